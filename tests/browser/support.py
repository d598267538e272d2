"""Helpers shared by the browser tests and their fixtures."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def sample_pages() -> dict[str, str]:
    """A page of every kind over the sample archive, by name (screenshots are named after it)."""
    from archive.models import Topic, Transcript, Turn

    transcript = Transcript.objects.get(slug__contains="blinken")
    turn = Turn.objects.get(transcript=transcript, position=4)
    topic = Topic.objects.filter(turn_tags__rejected=False).first()
    return {
        "home": "/",
        "transcripts": "/transcripts/",
        "transcripts-2021": "/transcripts/?year=2021",
        "transcript": transcript.get_absolute_url(),
        "transcript-at-turn": f"{transcript.get_absolute_url()}#t4",
        "turn": turn.get_absolute_url(),
        "search": "/search/?q=%22Minsk+agreements%22",
        "search-timeline-by-speaker": "/search/?q=Ukraine&split=speaker",
        "search-empty": "/search/",
        "speakers": "/speakers/",
        "speaker": "/speakers/antony-blinken/",
        "topics": "/topics/",
        "topic": topic.get_absolute_url(),
        "api": "/api/",
        "about": "/about/",
        "follow-search": "/alerts/new/search/?q=%22Minsk+agreements%22",
        "not-found": "/no-such-page/",
    }


class ConsoleWatcher:
    """Collects console errors, uncaught exceptions and failed requests of a page."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"exception: {error}"))
        page.on("requestfailed", self.on_request_failed)
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and response.request.resource_type in {"stylesheet", "script", "image", "font"}
                and self.problems.append(f"{response.status}: {response.url}")
            ),
        )

    def on_request_failed(self, request) -> None:
        # A request the browser cancels because the page moved on (a favicon still loading when a
        # link is followed) is not a failure of the site.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def on_console(self, message) -> None:
        # "Failed to load resource" repeats what the response listener checks (assets only: the
        # 404 page itself and Chromium's /favicon.ico request for a JSON document are expected).
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text} ({message.location.get('url')})")


def screenshot(page, name: str) -> Path:
    """`name.png`: what the reader sees first (the viewport); `name-full.png`: the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.screenshot(path=str(SCREENSHOTS / f"{name}-full.png"), full_page=True)
    return path
