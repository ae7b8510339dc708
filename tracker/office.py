"""The office (``[office]`` of tracker.toml): its name and how to reach it, as every document,
receipt, e-mail and web page writes them.

``[office]`` holds ``name``, ``contact`` (联系人), ``phone`` (联系电话) and ``email``; a field left
empty is left out of every line below, and an office without a name is 领导小组办公室.
"""

from __future__ import annotations

from collections.abc import Mapping

from tracker.i18n import ZH, tr

DEFAULT_NAME = "领导小组办公室"
#: (key in [office], its label) in the order every line gives them.
CONTACT_FIELDS = (("contact", "联系人"), ("phone", "联系电话"), ("email", "电子邮箱"))


def _office(config: Mapping | None) -> Mapping:
    return (config or {}).get("office") or {}


def office_name(config: Mapping | None) -> str:
    """The office's name, 领导小组办公室 when none is set."""
    return _office(config).get("name") or DEFAULT_NAME


def contact_text(config: Mapping | None) -> str:
    """"张三  020-12345678  ldxz@example.cn": the filled fields, two spaces apart ("" when none)."""
    office = _office(config)
    return "  ".join(office[key] for key, _ in CONTACT_FIELDS if office.get(key))


def contact_line(config: Mapping | None, lang: str = ZH) -> str:
    """"联系人: 张三   联系电话: …   电子邮箱: …": the filled fields with their labels ("" when none)."""
    office = _office(config)
    return "   ".join(tr("{label}: {value}", lang, label=tr(label, lang), value=office[key])
                      for key, label in CONTACT_FIELDS if office.get(key))


def contact_sentence(config: Mapping | None) -> str:
    """"请与领导小组办公室 (张三, 电话 …, 邮箱 …) 联系。"."""
    office = _office(config)
    parts = [x for x in (office.get("contact", ""),
                         f"电话 {office['phone']}" if office.get("phone") else "",
                         f"邮箱 {office['email']}" if office.get("email") else "") if x]
    return f"请与{office_name(config)}" + (f" ({', '.join(parts)})" if parts else "") + "联系。"
