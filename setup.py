"""The compiled part of hegui; everything else is declared in pyproject.toml.

``hegui.judges._scoring`` scores texts with the linear judges (see hegui.judges.linear). It is
optional: without a C compiler hegui installs all the same and scores in numpy, slower.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "hegui.judges._scoring",
            sources=["src/hegui/judges/_scoring.c"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
