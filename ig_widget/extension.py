"""The IPython extension: ``%load_ext ig_widget`` adds the ``%ig`` magic and makes the
engine's ``Attribution`` records draw themselves.

``%ig model x [options]`` is ``display(IGWidget(model, x, ...))`` typed as a command:
names are looked up in the notebook's namespace, a quoted string is text for
``--tokenizer``. Records from ``IntegratedGradients.attribute_detailed`` shown in a
notebook become a static picture (``ig_widget.figure``: heatmap, tokens or bars by shape,
with the delta) instead of a dump of tensors. ``%unload_ext ig_widget`` removes both.
"""

from __future__ import annotations

import ast
import keyword
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from .engine import Attribution

#: what ``load_ipython_extension`` replaced, restored by ``unload_ipython_extension``
_PREVIOUS: dict[int, dict[str, Any]] = {}
_MISSING = object()


# ------------------------------------------------------------------ rich display
def attribution_png(record: Attribution) -> bytes | None:
    """The record drawn as PNG bytes; None (plain text only) for a shape no view takes."""
    from .figure import attribution_figure, to_png

    try:
        fig = attribution_figure(record)
    except ValueError:
        return None
    return to_png(fig)


def attribution_summary(record: Attribution) -> str:
    """One short, true line about the record (``text/plain``)."""
    attrs = record.attributions
    shapes = ", ".join(str(tuple(a.shape)) for a in attrs)
    n = attrs[0].shape[0] if attrs and attrs[0].dim() > 0 else 1
    delta = record.delta.detach().reshape(-1)
    worst = float(delta.abs().max()) if delta.numel() else float("nan")
    return (
        f"Attribution({n} example{'s' if n != 1 else ''}, attributions {shapes}, "
        f"max |delta| {worst:.3g}, {record.n_evals} gradient evaluations"
        f"{', ' + str(len(record.warnings)) + ' warning(s)' if record.warnings else ''})"
    )


def _pretty(record: Attribution, p: Any, cycle: bool) -> None:
    p.text(attribution_summary(record))


# --------------------------------------------------------------------- the magic
def _literal_string(text: str) -> str | None:
    """``text`` as a string when it is a quoted Python string literal, else None."""
    if len(text) < 2 or text[0] not in "'\"" or text[-1] != text[0]:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


@magics_class
class IGMagics(Magics):
    """The ``%ig`` line magic."""

    def _resolve(self, text: str, what: str) -> Any:
        """A name or expression evaluated in the notebook's namespace."""
        ns = self.shell.user_ns
        try:
            # the user's own code, typed in their own kernel: as trusted as a cell
            return eval(text, self.shell.user_global_ns, ns)
        except NameError as err:
            raise UsageError(
                f"%ig: {what} {text!r}: {err}. Define it in the notebook first (or check "
                "the spelling); %ig looks names up in the notebook's namespace."
            ) from err
        except SyntaxError as err:
            raise UsageError(
                f"%ig: {what} {text!r} is not a Python name or expression; quote text with "
                "'...' or \"...\"."
            ) from err

    @magic_arguments()
    @argument("-h", "--help", action="store_true", help="show this help and do nothing else")
    @argument("--target", type=int, default=None, help="class index to explain (default: top)")
    @argument("--steps", type=int, default=None, help="quadrature steps, n_steps (default: 50)")
    @argument("--method", default=None, help="quadrature rule (default: gausslegendre)")
    @argument("--baseline", default=None, help="name of a baseline the widget offers (e.g. blur)")
    @argument("--path", default=None, help="integration path (default: straight)")
    @argument("--baselines", metavar="EXPR", default=None, help="your own baseline tensor/dict")
    @argument("--tokenizer", metavar="EXPR", default=None, help="tokenizer for text (x a string)")
    @argument("--tokens", metavar="EXPR", default=None, help="token strings, one per id")
    @argument("--class-names", metavar="EXPR", default=None, help="labels of the outputs")
    @argument("--feature-names", metavar="EXPR", default=None, help="tabular column names")
    @argument("--background", metavar="EXPR", default=None, help="tabular background rows")
    @argument("--layer", metavar="EXPR", default=None, help="text: module to attribute")
    @argument("--pad-token-id", type=int, default=None, help="text: id of the pad baseline")
    @argument("--modality", default=None, help="image, text or tabular when not inferred")
    @argument("--name", default=None, help="also store the widget under this variable name")
    @argument("--wait", action="store_true", help="block until the first result is ready")
    @argument("model", nargs="?", help="the model: a name in the notebook")
    @argument("x", nargs="?", help="the input: a name/expression, or quoted text (--tokenizer)")
    @line_magic
    def ig(self, line: str = "") -> None:
        """Show an Integrated Gradients widget: ``%ig model x`` is ``display(IGWidget(model, x))``.

        Examples::

            %ig model x
            %ig model x --target 3 --steps 64 --baseline blur --method riemann_trapezoid
            %ig model "the movie was not good" --tokenizer tok
            %ig model row --feature-names cols --name w --wait

        Names and expressions (no spaces) are evaluated in the notebook's namespace; a
        quoted string is text, turned into token ids with ``--tokenizer``. Bad settings
        raise the widget's own error (naming the fix).
        """
        try:
            args = parse_argstring(self.ig, line)
        except UsageError as err:  # an unknown option, a value of the wrong type
            raise UsageError(f"%ig: {err}; %ig --help lists the options.") from err
        except ValueError as err:  # e.g. an unclosed quote
            raise UsageError(f"%ig: cannot read the arguments {line!r}: {err}") from err
        if args.help:
            print(self.ig.parser.format_help())
            return
        for option in ("method", "baseline", "path", "modality", "name"):
            value = getattr(args, option)  # quotes allow spaces: --baseline "background mean"
            if value is not None and _literal_string(value) is not None:
                setattr(args, option, _literal_string(value))
        if args.model is None or args.x is None:
            raise UsageError(
                "%ig needs a model and an input: %ig model x [options]; %ig --help lists "
                "the options."
            )
        if args.name is not None and (not args.name.isidentifier() or keyword.iskeyword(args.name)):
            raise UsageError(f"%ig: --name {args.name!r} is not a valid variable name.")
        model = self._resolve(args.model, "model")
        text = _literal_string(args.x)
        x = text if text is not None else self._resolve(args.x, "x")
        # only what the line sets: everything else keeps IGWidget's own defaults
        given = {
            "n_steps": args.steps,
            "method": args.method,
            "path": args.path,
            "target": args.target,
            "baseline": args.baseline,
            "modality": args.modality,
            "pad_token_id": args.pad_token_id,
        }
        kwargs: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        for option in (
            "baselines",
            "tokenizer",
            "tokens",
            "class_names",
            "feature_names",
            "background",
            "layer",
        ):
            value = getattr(args, option)
            if value is not None:
                kwargs[option] = self._resolve(value, "--" + option.replace("_", "-"))
        if isinstance(x, str):
            x, tokens = tokenize(x, kwargs.get("tokenizer"))
            kwargs.setdefault("tokens", tokens)

        from .widget import IGWidget

        w = IGWidget(model, x, **kwargs)
        if args.name is not None:
            self.shell.user_ns[args.name] = w
        display(w)
        if args.wait:
            w.wait()


def tokenize(text: str, tokenizer: Any) -> tuple[Any, list[str]]:
    """Token ids (T,) and token strings for ``text``, from a Hugging Face-style tokenizer."""
    if tokenizer is None:
        raise UsageError(
            f"%ig: x is the text {text!r}; pass --tokenizer NAME (a Hugging Face tokenizer "
            "in the notebook) to turn it into token ids, or pass a tensor of ids."
        )
    try:
        ids = tokenizer(text, return_tensors="pt")["input_ids"][0]
        tokens = list(tokenizer.convert_ids_to_tokens(ids.tolist()))
    except (TypeError, KeyError, AttributeError) as err:
        raise UsageError(
            f"%ig: --tokenizer {type(tokenizer).__name__} could not encode the text ({err}); "
            "it needs tokenizer(text, return_tensors='pt')['input_ids'] and "
            "convert_ids_to_tokens, as Hugging Face tokenizers have. Otherwise pass token "
            "ids and --tokens."
        ) from err
    return ids, tokens


# ------------------------------------------------------------ load and unload
def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext ig_widget``: register ``%ig`` and the display of ``Attribution``."""
    ipython.register_magics(IGMagics)
    formatters = ipython.display_formatter.formatters
    previous = _PREVIOUS.setdefault(id(ipython), {})
    for mime, func in (("image/png", attribution_png), ("text/plain", _pretty)):
        old = formatters[mime].for_type(Attribution, func)
        if mime not in previous:  # loading twice must not forget what was there first
            previous[mime] = _MISSING if old is None else old


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext ig_widget``: remove ``%ig`` and the display of ``Attribution``."""
    manager = ipython.magics_manager
    manager.magics["line"].pop("ig", None)
    manager.registry.pop(IGMagics.__name__, None)
    formatters = ipython.display_formatter.formatters
    previous = _PREVIOUS.pop(id(ipython), {})
    for mime in ("image/png", "text/plain"):
        formatters[mime].pop(Attribution, None)
        old = previous.get(mime, _MISSING)
        if old is not _MISSING:
            formatters[mime].for_type(Attribution, old)
