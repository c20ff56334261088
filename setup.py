"""The compiled part of hegui; everything else is declared in pyproject.toml.

``hegui.judges._scoring`` scores texts with the linear judges (see hegui.judges.linear);
``hegui.text._fold`` folds texts for the keyword matcher (see hegui.text.normalize). Both are
optional: without a C compiler hegui installs all the same and does their work in numpy, slower.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "hegui.judges._scoring",
            sources=["src/hegui/judges/_scoring.c"],
            extra_compile_args=["-O2"],
            optional=True,
        ),
        Extension(
            "hegui.text._fold",
            sources=["src/hegui/text/_fold.c"],
            extra_compile_args=["-O2"],
            optional=True,
        ),
    ]
)
