"""A workspace: a folder with tracker.toml, the store, inbox/, outbox/, archive/ and reports/.

The configuration lives in ``tracker.toml`` and is edited with tomlkit so that the office's own
comments and layout survive ``tracker units alias`` and friends.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from tracker.problems import UsageError

CONFIG_NAME = "tracker.toml"
DB_NAME = "tracker.db"
SECRET_NAME = ".tracker-secret"
WORKSPACE_ID_KEY = "workspace_id"  # store meta: the fingerprint of the secret (tracker.identity.workspace_id)
FOLDERS = ("inbox", "outbox", "archive", "reports")

DEFAULT_CONFIG = """\
# tracker 工作区配置 (tracker workspace configuration)
# 修改后保存即可生效。All thresholds, weights and rules are configuration.

[office]
name = "领导小组办公室"
contact = ""        # 联系人
phone = ""          # 联系电话
email = ""          # 电子邮箱
language = "zh"     # 报告语言: zh 或 en

[periods]
# 每季度填报截止日: 季度结束后第几天 (due date: days after the quarter ends)
due_days_after_quarter = 10
# 各季度应达到的进度 (%), 用于预警灯 (expected progress per quarter, for warning lights)
expected_progress = [25, 50, 75, 100]
# 低于应达进度多少个百分点亮黄灯, 超过多少亮红灯
yellow_below = 0
red_below = 15

[periods.due]
# 单独指定某季度截止日, 如: "2007Q1" = "2007-04-10"

[returns]
# 已完成但进度不足100, 或进度100但未启动: "warning" 或 "error"
inconsistency = "warning"

[scoring]
completion_from = "min"      # 多个牵头单位时取 "min" (最低) 或 "mean" (平均)
weights = "equal"            # "equal", 或在 [scoring.category_weights] / [scoring.item_weights] 中指定
total_points = 100
target_share = 0.5           # 有指标的任务, 分值中按指标完成情况计算的比例
pass_completion = 80         # 工作完成度 ≥ 80%
pass_score = 60              # 评分 ≥ 60 分
mandatory_must_complete = true

[scoring.category_weights]

[scoring.item_weights]

[units.aliases]
# 旧名称 = 新名称, 如: "广州市知识产权局" = "市知识产权局"

[units.collectives]
# 集合单位 = [成员], 如: "各区、县级市" = ["越秀区", "荔湾区"]

[fonts]
cjk = ""   # 中文字体文件路径 (留空则自动查找)

[store]
url = ""   # 数据库 SQLAlchemy URL; 留空则用工作区里的 SQLite 文件 tracker.db

[web]
base_url = ""          # 各单位填报链接的网址前缀, 如 "https://tb.example.gov.cn"; 填写后模板的填报说明中显示链接
link_days = 30         # 填报链接在截止日后还能用几天
uploads_per_hour = 30  # 每个链接每小时最多上传几次
# 网页版 (tracker serve) 的限制 (limits of the web app)
max_upload_mb = 200      # 一次上传的总大小 (MB)
max_files = 1000         # 一次上传的文件个数
session_hours = 12       # 登录后多少小时内有效
login_attempts = 5       # 连续登录失败几次后暂停登录
login_lock_minutes = 15  # 暂停多少分钟

[mail]
# 催报邮件 (tracker remind PERIOD --send) 的发信服务器
host = ""
port = 25
tls = "none"           # "none"、"starttls" 或 "ssl"
user = ""              # 留空则不登录
password = ""
sender = ""            # 发件人地址, 如 "office@example.gov.cn"
"""


@dataclass
class Workspace:
    """The folder and its store. Library functions take a Workspace and call :meth:`store` and
    :meth:`config` freely; a :class:`tracker.app.Tracker` *holds* its workspace (:meth:`hold`), and
    then every one of those calls shares one engine and one reading of tracker.toml, until the
    Tracker closes it (:meth:`release`)."""

    root: Path
    db_url: str
    _held: object = field(default=None, init=False, repr=False, compare=False)
    _config: dict | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    def folder(self, name: str) -> Path:
        """The folder ``name`` of the workspace, made if missing: for an action about to write there
        (the properties below only name the folders; reading them creates nothing)."""
        p = self.root / name
        p.mkdir(parents=True, exist_ok=True)
        return p

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    # -- configuration -------------------------------------------------------------------------
    def config_doc(self):
        """The tomlkit document (for editing)."""
        import tomlkit

        text = read_config_text(self.config_path)
        load_config(self.config_path)  # the same message as config() for a file that is not TOML
        return tomlkit.parse(text)

    def config(self) -> dict:
        """The configuration as plain Python values, with defaults for anything missing (read once
        while the workspace is held; :meth:`save_config_doc` refreshes it)."""
        import tomllib

        if self._config is not None:
            return self._config
        merged = _merge(tomllib.loads(DEFAULT_CONFIG), load_config(self.config_path))
        if self._held is not None:
            self._config = merged
        return merged

    def save_config_doc(self, doc) -> None:
        import tomlkit

        tmp = self.config_path.with_suffix(".toml.tmp")
        tmp.write_text(tomlkit.dumps(doc), encoding="utf-8")
        os.replace(tmp, self.config_path)
        self._config = None

    def secret(self) -> bytes:
        """The HMAC key that signs template identities (``.tracker-secret``, 64 hex digits).

        Made when the workspace is created; its public fingerprint (:func:`tracker.identity.workspace_id`)
        is recorded in the store. A missing secret is made anew only while nothing was sent with the
        old one; once templates were sent (or returns received), a missing, changed, empty or
        malformed secret is :class:`~tracker.problems.Refused` with what happened and how to restore
        it from a backup: a new key would make every template already sent "not made by this office"."""
        from tracker.identity import workspace_id
        from tracker.problems import Refused

        p = self.root / SECRET_NAME
        store = self.store()
        try:
            recorded = store.get_meta(WORKSPACE_ID_KEY)
            sent = self.has_sent(store)
            restore = (f"请从备份中找回 {SECRET_NAME} 放回工作区 {self.root} (tracker restore 备份文件 可恢复整个工作区;"
                       f" 或从备份压缩包中只取出 {SECRET_NAME})。")
            if not p.exists():
                if sent:
                    raise Refused(f"工作区的密钥文件 {SECRET_NAME} 不见了。已下发的模板都用它签名, 没有它, 各单位报回的表格"
                                  f"都会被当作“不是本办公室生成的”而退回。{restore} 在找回之前, 不要生成模板或收集报表。")
                atomic_new(p, secrets.token_hex(32))
            try:
                text = p.read_text(encoding="ascii").strip()
                key = bytes.fromhex(text)
            except (UnicodeDecodeError, ValueError):
                key = b""
            if len(key) < 16:
                raise Refused(f"工作区的密钥文件 {p} 是空的或已损坏 (应为 64 位十六进制数字)。{restore}"
                              + ("" if sent else f" 如工作区还没有下发过模板, 也可删除 {SECRET_NAME} 后重新运行, 将生成新的密钥。"))
            fp = workspace_id(key)
            if recorded and recorded != fp:
                if sent:
                    raise Refused(f"工作区的密钥文件 {SECRET_NAME} 与下发模板时用的不是同一个 (被替换或改动过)。已下发的模板"
                                  f"都会被当作“不是本办公室生成的”而退回。{restore}")
                recorded = None
            if not recorded:
                store.set_meta(WORKSPACE_ID_KEY, fp)
            return key
        finally:
            store.close()

    def has_sent(self, store=None) -> bool:
        """Whether anything was sent or received with the secret: a template in outbox/PERIOD/, or
        a file in the store's ``received``."""
        outbox = self.root / "outbox"
        if outbox.is_dir():
            for d in outbox.iterdir():
                if d.is_dir() and d.name[:4].isdigit() and any(d.glob("*.xlsx")):
                    return True
        if store is None:
            store = self.store()
            try:
                return store.has_received()
            finally:
                store.close()
        return store.has_received()

    def store(self, create: bool = False):
        """The store. Only ``init`` creates one (``create=True``): a missing store is an error.
        While a Tracker holds the workspace, the held store (its ``close`` is a no-op for the
        borrower); else a new one that the caller closes."""
        if self._held is not None and not create:
            return self._held
        from tracker.store import Store

        return Store(self.db_url, create=create)

    def hold(self) -> None:
        """Open one store for every later :meth:`store` call, and read tracker.toml once."""
        if self._held is None:
            from tracker.store import Store

            self._held = _HeldStore(Store(self.db_url, create=False))

    def release(self) -> None:
        held, self._held, self._config = self._held, None, None
        if held is not None:
            held.real.close()


class _HeldStore:
    """A shared Store lent to library code: everything but ``close`` is the real store's."""

    def __init__(self, real):
        self.real = real

    def close(self) -> None:  # the owner (Tracker) closes it
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def __getattr__(self, name):
        return getattr(self.real, name)


def read_config_text(path: Path) -> str:
    """tracker.toml as text: UTF-8 (with or without BOM), else a WorkspaceError saying so."""
    from tracker.problems import WorkspaceError

    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise WorkspaceError(f"无法读取配置文件 {path}: {e.strerror or e}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise WorkspaceError(f"配置文件 {path} 不是 UTF-8 编码 (第 {e.start + 1} 个字节起), 可能被另存为了 GBK/ANSI。"
                             "请用记事本打开, “另存为”选择编码 UTF-8 后保存") from None


def load_config(path: Path) -> dict:
    """tracker.toml parsed (without the defaults); a WorkspaceError names the line that is wrong."""
    import tomllib

    from tracker.problems import WorkspaceError

    try:
        return tomllib.loads(read_config_text(path))
    except tomllib.TOMLDecodeError as e:
        raise WorkspaceError(f"配置文件 {path} 格式有误: {e}。请改正该行 (可对照 tracker init 生成的默认配置), "
                             "然后重新运行") from None


def atomic_new(path: Path, text: str) -> None:
    """Write a new small file atomically (a crash never leaves half a secret)."""
    from tracker.files import atomic_write

    atomic_write(path, text.encode("ascii"), fsync=True)


def _merge(base: dict, mine: dict) -> dict:
    out = dict(base)
    for k, v in mine.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def default_db_url(root: Path) -> str:
    return f"sqlite:///{(root / DB_NAME).resolve()}"


@dataclass
class InitResult:
    """What ``tracker init`` did: made a new workspace, or found one (and changed nothing but
    what ``--units`` merged, listed in ``changes``; what it left as the office had it, in ``kept``)."""

    ws: Workspace
    created: bool
    changes: list[str]
    kept: list[str]


def init_workspace(root: Path, db_url: str | None = None, units_file: Path | None = None) -> Workspace:
    """Create (or find) a workspace at root; see :func:`setup_workspace`."""
    return setup_workspace(root, db_url, units_file).ws


def setup_workspace(root: Path, db_url: str | None = None, units_file: Path | None = None) -> InitResult:
    """Create a workspace at root. On an existing workspace nothing is overwritten: tracker.toml,
    the secret and the store stay as they are; ``db_url`` is not changed (kept lists it if it
    differs); ``units_file`` is merged (new aliases, collectives and members added; an office
    setting only where tracker.toml still has the default) and every change listed."""
    root = Path(root)
    cfg = root / CONFIG_NAME
    if cfg.exists():
        ws = Workspace(root.resolve(), _configured_url(root) or default_db_url(root))
        kept = []
        if db_url and db_url != ws.db_url:
            kept.append(f"数据库仍为 {ws.db_url} (未改为 {db_url}; 如需改用新数据库, 请修改 tracker.toml 的 [store] url)")
        for name in FOLDERS:
            (root / name).mkdir(exist_ok=True)
        changes: list[str] = []
        if units_file is not None:
            changes, more = load_registry_file(ws, units_file, merge=True)
            kept += more
        return InitResult(ws, False, changes, kept)
    root.mkdir(parents=True, exist_ok=True)
    cfg.write_text(DEFAULT_CONFIG, encoding="utf-8")
    for name in FOLDERS:
        (root / name).mkdir(exist_ok=True)
    ws = Workspace(root.resolve(), db_url or default_db_url(root))
    if db_url:  # remembered, so later commands use the same store without --db
        doc = ws.config_doc()
        if "store" not in doc:
            import tomlkit

            doc["store"] = tomlkit.table()
        doc["store"]["url"] = db_url
        ws.save_config_doc(doc)
    changes = []
    if units_file is not None:
        changes, _ = load_registry_file(ws, units_file)
    ws.store(create=True).close()  # creates and migrates the store (only init creates one)
    ws.secret()  # creates the secret; its fingerprint is recorded in the store
    return InitResult(ws, True, changes, [])


def load_registry_file(ws: Workspace, path: Path, merge: bool = False) -> tuple[list[str], list[str]]:
    """Merge [office], [units.aliases] and [units.collectives] of another TOML file into tracker.toml.

    ``merge`` (an existing workspace): an office setting is taken only where tracker.toml still has
    the default or nothing; an alias is added only if the alias table stays free of cycles
    (:func:`tracker.units.checked_alias` without the unknown-target rule); a collective gains the
    members it lacks. Returns (changes, settings kept as they were), as lines for the office."""
    import tomllib

    import tomlkit

    from tracker.problems import Refused
    from tracker.units import checked_alias, normalize_unit

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise Refused(f"单位名册 {path} 无法读取: {e}; 未作改动。") from None
    defaults = tomllib.loads(DEFAULT_CONFIG)["office"]
    doc = ws.config_doc()
    changes, kept = [], []
    office = doc.setdefault("office", tomlkit.table())
    for key, value in data.get("office", {}).items():
        mine = office.get(key)
        if mine == value:
            continue
        if merge and mine not in (None, "", defaults.get(key)):
            kept.append(f"[office] {key} 保留现有的“{mine}” (名册中为“{value}”)")
            continue
        office[key] = value
        changes.append(f"[office] {key} = “{value}”")
    units = data.get("units", {})
    doc_units = doc.setdefault("units", tomlkit.table())
    aliases = doc_units.setdefault("aliases", tomlkit.table())
    for k, v in units.get("aliases", {}).items():
        current = {str(a): str(b) for a, b in aliases.items()}
        if normalize_unit(current.get(k, "")) == normalize_unit(v):
            continue
        try:
            checked_alias(current, k, v, known={normalize_unit(v)})
        except Refused as e:
            if not merge:
                raise
            kept.append(f"别名 “{k}” → “{v}” 未登记: {e}")
            continue
        aliases[k] = v
        changes.append(f"别名 “{k}” → “{v}”")
    collectives = doc_units.setdefault("collectives", tomlkit.table())
    for k, members in units.get("collectives", {}).items():
        have = [str(m) for m in collectives.get(k, [])]
        new = [m for m in members if m not in have]
        if not new:
            continue
        collectives[k] = have + new
        changes.append(f"集合单位 “{k}”: " + ("新增" if not have else "增加成员 ") + "、".join(new))
    ws.save_config_doc(doc)
    return changes, kept


def add_alias(ws: Workspace, old: str, new: str, replace: bool = False) -> dict:
    """Register ``old`` as an alias of ``new`` in tracker.toml and apply it to the store (stored
    plans, returns and received files are rewritten to the current name), or raise
    :class:`~tracker.problems.Refused` (see :func:`tracker.units.checked_alias`). Returns
    {old, new, current (the name stored now), replaced ("a → b" or None), rows, unchanged}."""
    import tomlkit

    from tracker.units import Registry, checked_alias, normalize_unit

    config = ws.config()
    registry = Registry.from_config(config)
    aliases = {str(k): str(v) for k, v in config.get("units", {}).get("aliases", {}).items()}
    o, n = normalize_unit(old), normalize_unit(new)
    if {normalize_unit(k): normalize_unit(v) for k, v in aliases.items()}.get(o) == n:
        return {"old": o, "new": n, "current": registry.canonical(n), "replaced": None, "rows": 0,
                "unchanged": True}
    store = ws.store()
    try:
        known = store.unit_names() | registry.known_names()
        table, replaced = checked_alias(aliases, old, new, known, replace=replace)
        current = Registry(table, registry.collectives).canonical(n)
        doc = ws.config_doc()
        doc_aliases = doc.setdefault("units", tomlkit.table()).setdefault("aliases", tomlkit.table())
        for k in list(doc_aliases):
            if normalize_unit(str(k)) not in table:
                del doc_aliases[k]
        doc_aliases[old] = new
        rows = store.rename_unit(o, current)
        ws.save_config_doc(doc)
    finally:
        store.close()
    return {"old": o, "new": n, "current": current, "replaced": replaced, "rows": rows, "unchanged": False}


def find_workspace(path: str | os.PathLike | None = None, db_url: str | None = None) -> Workspace:
    """The workspace at path (default: the current directory), with the store at ``db_url``
    (default: tracker.toml's [store] url, else the workspace's tracker.db). The environment
    (``TRACKER_WORKSPACE``, ``TRACKER_DB``) is the CLI's to read."""
    root = Path(path or ".").resolve()
    if not (root / CONFIG_NAME).exists():
        raise UsageError(f"{root} 不是 tracker 工作区 (没有 {CONFIG_NAME}); 请先运行 tracker init,"
                         " 或用 -w 指定工作区。")
    return Workspace(root, db_url or _configured_url(root) or default_db_url(root))


def _configured_url(root: Path) -> str:
    """[store] url in tracker.toml (set by `tracker init --db URL`), or "". A tracker.toml that
    cannot be read is a WorkspaceError: guessing the default SQLite store instead would use
    another store than the one configured."""
    path = Path(root) / CONFIG_NAME
    if not path.exists():
        return ""
    store = load_config(path).get("store", {})
    return str(store.get("url", "") or "") if isinstance(store, dict) else ""
