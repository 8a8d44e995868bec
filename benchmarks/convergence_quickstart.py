"""Delta against n_steps for the quick-start models, as the widget's convergence figure
computes it (shared nested nodes): prints the relative completeness error per method and
n, the smallest n from which it stays under 1%, and the gradient evaluations spent.

    PYTHONPATH=. python benchmarks/convergence_quickstart.py
"""

from __future__ import annotations

import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "example_notebooks"
sys.path.insert(0, str(EXAMPLES))

from quickstart_models import image_model, tabular_model, text_model  # noqa: E402

from ig_widget import IGWidget  # noqa: E402
from ig_widget.explore.convergence import steps_enough  # noqa: E402


def main() -> None:
    digits = image_model()
    sentiment = text_model("the acting was wonderful, the ending felt dull and slow")
    cancer = tabular_model()
    widgets = {
        "image": IGWidget(digits.model, digits.image, class_names=digits.class_names),
        "text": IGWidget(
            sentiment.model,
            sentiment.ids,
            tokens=sentiment.tokens,
            pad_token_id=sentiment.pad_token_id,
            class_names=sentiment.class_names,
        ),
        "tabular": IGWidget(
            cancer.model,
            cancer.row,
            feature_names=cancer.feature_names,
            class_names=cancer.class_names,
            background=cancer.background,
            baseline="background mean",
        ),
    }
    for name, w in widgets.items():
        w.wait(120)
        fig = w.convergence_curve()
        print(
            f"{name}: baseline {fig['baseline']!r}, {fig['n_evals']} gradient evaluations "
            f"(separate runs: {fig['n_evals_separate']})"
        )
        for method, points in fig["curves"].items():
            row = " ".join(f"{n}:{rel:.2g}" for n, rel in points)
            print(f"  {method:<18} {row}  | under 1% from n={steps_enough(points, 0.01)}")
        w.close()


if __name__ == "__main__":
    main()
