"""Keyword libraries and bank coverage against the policy pack."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from hegui.console.accounts import ConsoleUser
from hegui.console.security import ANYONE
from hegui.console.web import render, state_of

router = APIRouter()


@router.get("/library", response_class=HTMLResponse)
def library(request: Request, user: Annotated[ConsoleUser, Depends(ANYONE)]) -> Response:
    """Bank coverage per kind and risk, and each keyword library's coverage and freshness."""
    return render(request, "library.html", user, status_=state_of(request).library.status())
