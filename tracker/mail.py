"""E-mail reminders (催报邮件): one message per missing unit with an e-mail, with its own link.

Settings are ``[mail]`` in tracker.toml: ``host``, ``port`` (default 25; 465 for ssl, 587 for
starttls are the usual), ``tls`` = "none" | "starttls" | "ssl", ``user`` and ``password`` (login
only when user is set) and ``sender`` (the From address). :func:`reminder_messages` builds the
messages (pure: the dry run shows exactly these), :func:`send_messages` sends them over one SMTP
connection with the standard library's smtplib.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.problems import UsageError

TLS_MODES = ("none", "starttls", "ssl")


@dataclass
class Reminder:
    unit: str
    to: str
    subject: str
    body: str
    url: str
    contact: str = ""  # the unit's contact person

    def to_dict(self) -> dict:
        return {"unit": self.unit, "to": self.to, "contact": self.contact, "subject": self.subject,
                "url": self.url, "body": self.body}


def mail_settings(config: dict) -> dict:
    m = config.get("mail", {}) or {}
    tls = str(m.get("tls") or "none").strip().lower()
    if tls not in TLS_MODES:
        raise UsageError(f"tracker.toml [mail] tls = “{tls}” 无效, 应为 none、starttls 或 ssl")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[tls]
    return {"host": str(m.get("host") or "").strip(), "port": int(m.get("port") or default_port), "tls": tls,
            "user": str(m.get("user") or ""), "password": str(m.get("password") or ""),
            "sender": str(m.get("sender") or "").strip()}


def reminder_body(*, unit: str, contact: str, label: str, due, url: str, expires, n_items: int, n_lead: int,
                  config: dict, today: date) -> str:
    from tracker.i18n import cn_date
    from tracker.office import contact_line, office_name

    name = office_name(config)
    greeting = f"{contact}同志: 您好!" if contact else f"{unit}: 您好!"
    lines = [
        greeting, "",
        f"    {unit}{label}工作任务进展情况尚未报送, 截止日期为{cn_date(due)}。请尽快报送。",
        f"    本单位共有任务 {n_items} 项 (牵头 {n_lead} 项、参与 {n_items - n_lead} 项)。",
        "", "    请打开本单位的填报链接, 在网页上直接填写, 或上传填好的填报表; 回执当即显示:", "",
        f"    {url}", "",
        f"    该链接只供本单位使用, 请勿转发; 有效期至{cn_date(expires)}。",
    ]
    contact = contact_line(config)
    if contact:
        lines += ["", f"    如有疑问, 请与{name}联系。{contact}"]
    lines += ["", f"{name}", cn_date(today)]
    return "\n".join(lines) + "\n"


def build_message(r: Reminder, sender: str):
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    msg = EmailMessage()
    msg["Subject"] = r.subject
    msg["From"] = sender
    msg["To"] = r.to
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(r.body)
    return msg


def send_messages(reminders: list[Reminder], settings: dict, timeout: float = 30) -> int:
    """Send every reminder over one connection; returns how many were sent. Raises UsageError with
    a sentence when the server cannot be reached or refuses."""
    import smtplib
    import ssl

    if not reminders:
        return 0
    if not settings["host"] or not settings["sender"]:
        raise UsageError("没有配置发信服务器: 请在 tracker.toml 的 [mail] 中填写 host 和 sender (可先用 --dry-run 预览)")
    host, port, tls = settings["host"], settings["port"], settings["tls"]
    try:
        if tls == "ssl":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings["user"]:
                smtp.login(settings["user"], settings["password"])
            n = 0
            for r in reminders:
                smtp.send_message(build_message(r, settings["sender"]))
                n += 1
    except (OSError, smtplib.SMTPException) as e:
        raise UsageError(f"发送邮件失败 ({host}:{port}, {tls}): {e}") from None
    return n


__all__ = ["Reminder", "mail_settings", "reminder_body", "build_message", "send_messages"]
