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
# 网页版 (tracker serve) 的限制 (limits of the web app)
max_upload_mb = 200      # 一次上传的总大小 (MB)
max_files = 1000         # 一次上传的文件个数
session_hours = 12       # 登录后多少小时内有效
login_attempts = 5       # 连续登录失败几次后暂停登录
login_lock_minutes = 15  # 暂停多少分钟
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
        p = self.root / name
        p.mkdir(parents=True, exist_ok=True)
        return p

    @property
    def inbox(self) -> Path:
        return self.folder("inbox")

    @property
    def outbox(self) -> Path:
        return self.folder("outbox")

    @property
    def archive(self) -> Path:
        return self.folder("archive")

    @property
    def reports(self) -> Path:
        return self.folder("reports")

    # -- configuration -------------------------------------------------------------------------
    def config_doc(self):
        """The tomlkit document (for editing)."""
        import tomlkit

        return tomlkit.parse(self.config_path.read_text(encoding="utf-8"))

    def config(self) -> dict:
        """The configuration as plain Python values, with defaults for anything missing (read once
        while the workspace is held; :meth:`save_config_doc` refreshes it)."""
        import tomllib

        if self._config is not None:
            return self._config

        base = tomllib.loads(DEFAULT_CONFIG)
        try:
            mine = tomllib.loads(self.config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise UsageError(f"配置文件 {self.config_path} 格式有误: {e}") from None
        merged = _merge(base, mine)
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
        """The HMAC key that signs template identities. Created at init, kept in the workspace."""
        p = self.root / SECRET_NAME
        if not p.exists():
            p.write_text(secrets.token_hex(32), encoding="ascii")
        return bytes.fromhex(p.read_text(encoding="ascii").strip())

    def store(self):
        """A Store on this workspace's database: the held one (its ``close`` is a no-op for the
        borrower), else a new one that the caller closes."""
        if self._held is not None:
            return self._held
        from tracker.store import Store

        return Store(self.db_url)

    def hold(self) -> None:
        """Open one store for every later :meth:`store` call, and read tracker.toml once."""
        if self._held is None:
            from tracker.store import Store

            self._held = _HeldStore(Store(self.db_url))

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

    def __getattr__(self, name):
        return getattr(self.real, name)


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


def init_workspace(root: Path, db_url: str | None = None, units_file: Path | None = None) -> Workspace:
    """Create (or complete) a workspace at root. Existing files are kept."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    cfg = root / CONFIG_NAME
    if not cfg.exists():
        cfg.write_text(DEFAULT_CONFIG, encoding="utf-8")
    for name in FOLDERS:
        (root / name).mkdir(exist_ok=True)
    ws = Workspace(root.resolve(), db_url or _configured_url(root) or default_db_url(root))
    ws.secret()
    if db_url:  # remembered, so later commands use the same store without --db
        doc = ws.config_doc()
        if "store" not in doc:
            import tomlkit

            doc["store"] = tomlkit.table()
        doc["store"]["url"] = db_url
        ws.save_config_doc(doc)
    if units_file is not None:
        load_registry_file(ws, units_file)
    ws.store().close()  # creates and migrates the store
    return ws


def load_registry_file(ws: Workspace, path: Path) -> None:
    """Merge [office], [units.aliases] and [units.collectives] of another TOML file into tracker.toml."""
    import tomllib

    import tomlkit

    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    doc = ws.config_doc()
    for key, value in data.get("office", {}).items():
        doc["office"][key] = value
    units = data.get("units", {})
    for section in ("aliases", "collectives"):
        if section in units:
            table = doc["units"].setdefault(section, tomlkit.table())
            for k, v in units[section].items():
                table[k] = v
    ws.save_config_doc(doc)


def find_workspace(path: str | os.PathLike | None = None, db_url: str | None = None) -> Workspace:
    """The workspace at path (default: $TRACKER_WORKSPACE, else the current directory)."""
    root = Path(path or os.environ.get("TRACKER_WORKSPACE") or ".").resolve()
    if not (root / CONFIG_NAME).exists():
        raise UsageError(f"{root} 不是 tracker 工作区 (没有 {CONFIG_NAME}); 请先运行 tracker init,"
                         " 或用 -w 指定工作区。")
    return Workspace(root, db_url or os.environ.get("TRACKER_DB") or _configured_url(root) or default_db_url(root))


def _configured_url(root: Path) -> str:
    """[store] url in tracker.toml (set by `tracker init --db URL`), or ""."""
    import tomllib

    try:
        data = tomllib.loads((Path(root) / CONFIG_NAME).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return ""
    return str(data.get("store", {}).get("url", "") or "")
