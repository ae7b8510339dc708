"""click's own words in Chinese: "Usage:", "Options:", "Error: No such command", "Missing
argument", "is not a valid integer", "[default: …]", "Show this message and exit." …

click takes every message through gettext, as ``_()`` and ``ngettext()`` looked up in each of its
modules' namespace at call time. :func:`install` puts this module's catalogue there (once, from
``tracker/cli.py`` before the commands are declared, so that the help texts made at declaration
time are Chinese too); a message missing from the catalogue stays as click wrote it. The type
names that click prints as metavars and in messages (INTEGER, TEXT, FILE …) are renamed as well.

The catalogue is plain Python (no .mo file to build or ship); ``tests/test_clickzh.py`` runs the
usage mistakes and checks that no English word of click reaches the screen. The CLI stays Chinese
under ``--lang en`` (docs/i18n.md: ``--lang`` changes the outputs, not the tool's own messages).
"""

from __future__ import annotations

CATALOG: dict[str, str] = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s, 版本 %(version)s",
    "Error: {message}": "错误: {message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看帮助。",
    "No such command {name!r}.": "没有命令 “{name}”。",
    "No such option {name!r}.": "没有选项 “{name}”。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数: {param_name}",
    "Missing command.": "缺少命令。",
    "Missing {param_type}": "缺少{param_type}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不对: {message}",
    "Invalid value: {message}": "值不对: {message}",
    "{value!r} is not a valid {number_type}.": "“{value}” 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid UUID.": "“{value}” 不是有效的 UUID。",
    "Option {name!r} does not take a value.": "选项 {name} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个值。",
    "Choose from:\n\t{choices}": "可选:\n\t{choices}",
    "default: {default}": "默认: {default}",
    "env var: {var}": "环境变量: {var}",
    "required": "必填",
    "deprecated": "已弃用",
    "(dynamic)": "(动态)",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name} “{filename}” 不存在。",
    "{name} {filename!r} is a file.": "{name} “{filename}” 是文件, 应为目录。",
    "{name} {filename!r} is a directory.": "{name} “{filename}” 是目录, 应为文件。",
    "{name} {filename!r} is not readable.": "{name} “{filename}” 无法读取。",
    "{name} {filename!r} is not writable.": "{name} “{filename}” 无法写入。",
    "{name} {filename!r} is not executable.": "{name} “{filename}” 无法执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 “{filename}”: {message}",
    "Aborted!": "已中止。",
    "Do you want to continue?": "是否继续?",
    "Repeat for confirmation": "请再输入一次确认",
    "Error: The two entered values do not match.": "错误: 两次输入不一致。",
    "Error: invalid input": "错误: 输入无效",
    "Press any key to continue...": "按任意键继续…",
    "Confirm the action without prompting.": "不经询问直接执行。",
    "unknown error": "未知错误",
    "Value must be an iterable.": "值必须是一组值。",
}

PLURALS: dict[str, str] = {
    "Got unexpected extra argument ({args})": "多余的参数 ({args})",
    "Did you mean {possibility}?": "是不是要用 {possibility}?",
    "Option {name!r} requires an argument.": "选项 {name} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name} 需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "“{value}” 不是 {choice}。",
    "{value!r} does not match the format {format}.": "“{value}” 不符合格式 {format}。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值, 只给了 1 个。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值, 只给了 {len_value} 个。",
}
#: the plural forms, mapped to the singular's entry (Chinese has one form)
PLURAL_OF = {
    "Got unexpected extra arguments ({args})": "多余的参数 ({args})",
    "(Did you mean one of: {possibilities}?)": "(是不是要用以下之一: {possibilities}?)",
    "{value!r} is not one of {choices}.": "“{value}” 不是以下之一: {choices}。",
    "{value!r} does not match the formats {formats}.": "“{value}” 不符合格式 {formats}。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值, 给了 {len} 个。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个值, 给了 {len_value} 个。",
}
#: click's type names (metavars such as INTEGER, messages such as "is not a valid integer")
TYPE_NAMES = {"INT": "整数", "FLOAT": "数字", "STRING": "文本", "BOOL": "是/否", "UUID": "UUID"}

#: the English pieces of a usage line ("Usage: tracker [OPTIONS] COMMAND [ARGS]...")
USAGE_PIECES = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]...",
                "COMMAND1 [ARGS]... [COMMAND2 [ARGS]...]...": "命令1 [参数]... [命令2 [参数]...]..."}

MODULES = ("core", "exceptions", "formatting", "types", "parser", "decorators", "termui", "utils",
           "_termui_impl", "shell_completion")


def gettext(message: str) -> str:
    return CATALOG.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if n == 1:
        return PLURALS.get(singular, singular)
    return PLURAL_OF.get(plural, PLURALS.get(singular, plural))


_installed = False


def _translated_pieces(method):
    def collect_usage_pieces(self, ctx):
        return [USAGE_PIECES.get(x, x) for x in method(self, ctx)]

    return collect_usage_pieces


def install() -> None:
    """Put the Chinese catalogue into click's modules (idempotent)."""
    global _installed
    if _installed:
        return
    import importlib

    import click

    for name in MODULES:
        try:
            mod = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a click without that module
            continue
        if hasattr(mod, "_"):
            mod._ = gettext
        if hasattr(mod, "ngettext"):
            mod.ngettext = ngettext
    for cls in (click.Command, click.Group):
        cls.collect_usage_pieces = _translated_pieces(cls.__dict__["collect_usage_pieces"])
    for attr, zh in TYPE_NAMES.items():
        t = getattr(click, attr, None)
        if t is not None:
            t.name = zh
    _installed = True
