"""The ``mlplan`` command line: parsing, printing and exit codes; no logic of its own.

Exit codes: 0 ok, 1 a check failed, 2 bad input (a plan, data or predictions problem,
or a file or folder that cannot be read or written), 3 store problem, 70 internal
error (a bug in mlplan), 130 interrupted. The handler here imports nothing that could
be missing: whatever goes wrong, the user gets one line and a documented code, and
when the command had already stored something, the line says what.
"""

from __future__ import annotations

import sqlite3
import sys

from rich.text import Text
from typer.exceptions import Abort, Exit, TyperException

from mlplan.cli import commands as _commands  # noqa: F401  (registers the commands)
from mlplan.cli.app import app, err, state
from mlplan.errors import MlplanError

__all__ = ["EXIT_INTERNAL", "EXIT_INTERRUPTED", "app", "main"]

EXIT_INTERRUPTED = 130
#: A bug in mlplan (an exception it did not expect), as sysexits' EX_SOFTWARE.
EXIT_INTERNAL = 70
_STORE = 3
_BAD_INPUT = 2


def main() -> None:
    """Entry point of the ``mlplan`` console script."""
    state["debug"] = "--debug" in sys.argv
    context = sys.modules.get("mlplan.app.context")
    if context is not None:  # commands called in-process one after another (tests)
        context.forget_stored()
    try:
        code = app(standalone_mode=False)
    except MlplanError as exc:
        _fail(exc.exit_code, "error:", str(exc))
    except sqlite3.Error as exc:  # a store error that escaped the store's own handling
        _fail(_STORE, "store error:", str(exc))
    except OSError as exc:  # a file or folder outside the store: full disk, permissions
        _fail(_BAD_INPUT, "error:", _os_error(exc))
    except KeyboardInterrupt:
        _interrupted()
    except Exit as exc:
        sys.exit(exc.exit_code)
    except Abort:
        err.print("aborted")
        sys.exit(EXIT_INTERRUPTED)
    except TyperException as exc:  # usage errors: the message and the usage line
        if type(exc).__name__ != "NoArgsIsHelpError":  # the help is already printed
            show = getattr(exc, "show", None)
            if callable(show):
                show()
            else:
                err.print(exc.format_message(), highlight=False)
        sys.exit(int(getattr(exc, "exit_code", 2)))
    except Exception as exc:
        if state["debug"]:
            raise
        what = str(exc) if len(str(exc)) <= 300 else str(exc)[:299] + "…"
        _fail(
            EXIT_INTERNAL,
            "internal error:",
            f"{type(exc).__name__}: {what} (a bug in mlplan; rerun with --debug for the "
            "traceback and report it)",
        )
    if code == EXIT_INTERRUPTED:  # Typer turns Ctrl-C inside a command into this code
        _interrupted()
    sys.exit(code if isinstance(code, int) else 0)


def _interrupted() -> None:
    """Say exactly what the interrupted command had stored (nothing, or which records)."""
    context = sys.modules.get("mlplan.app.context")  # not imported: nothing was stored
    stored = context.stored_so_far() if context is not None else ()
    if stored:
        message = (
            f"interrupted after storing {', '.join(stored)}; what came after it "
            "(reports, later steps) was not written"
        )
    else:
        message = "interrupted; the store is unchanged"
    err.print(message, highlight=False)
    sys.exit(EXIT_INTERRUPTED)


def _fail(code: int, label: str, message: str) -> None:
    """Print one line (the message's lines joined) with what was stored, and exit."""
    if state["debug"]:
        err.print_exception()
    line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    context = sys.modules.get("mlplan.app.context")
    stored = context.stored_so_far() if context is not None else ()
    if stored:
        line += f" (stored before the error: {', '.join(stored)})"
    err.print(Text.assemble((label, "bold red"), f" {line}"), highlight=False, soft_wrap=True)
    sys.exit(code)


def _os_error(exc: OSError) -> str:
    """``cannot write /x/report.html: No space left on device``: the file and the reason."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    target = exc.filename
    if target is None:
        return f"{reason} ({type(exc).__name__})"
    return f"cannot use {target}: {reason}"


if __name__ == "__main__":  # pragma: no cover
    main()
