"""The publication site in a real browser (issue 18): Debian's headless
Chromium, driven by Selenium through Debian's chromedriver, opens the
index served over HTTP, follows every link to a meeting and every link to
a PDF, and finds each one — as the body's website will serve them.

One browser session for the whole test (it is slow). Skipped when
Chromium, chromedriver or Selenium is missing here; in CI (.ci/run installs
them) a missing one is a failure.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SOFFICE, normalise, run
from test_site import HOSTILE, two_years

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SELENIUM = importlib.util.find_spec("selenium") is not None
MISSING = [
    name
    for name, found in (
        ("chromium", CHROMIUM),
        ("chromedriver (paquet chromium-driver)", CHROMEDRIVER),
        ("selenium", SELENIUM),
        ("LibreOffice (soffice)", SOFFICE),
    )
    if not found
]
pytestmark = pytest.mark.skipif(
    bool(MISSING) and not os.environ.get("CI"),
    reason=f"absents : {', '.join(MISSING)} (voir .ci/run)",
)
WAIT = 30.0  # seconds for a download to land


class Served(list):
    """What the server answered: (path, status, content type), in order."""


def _handler(root: Path, served: Served) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        status = 0
        content_type = ""

        def send_response(self, code: int, message: str | None = None) -> None:
            self.status, self.content_type = code, ""
            super().send_response(code, message)

        def send_header(self, keyword: str, value: str) -> None:
            if keyword.lower() == "content-type":
                self.content_type = value
            super().send_header(keyword, value)

        def end_headers(self) -> None:
            served.append((self.path, self.status, self.content_type))
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet

    return functools.partial(Handler, directory=str(root))  # type: ignore[return-value]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, Served]]:
    """The site of two meetings in two years, built by the real command and
    served on 127.0.0.1 from a thread: its base URL, its folder, and the log
    of what was served."""
    data = two_years(tmp_path)
    out = tmp_path / "output"
    code, said = run("site", "--data", str(data), "--output", str(out))
    assert code == 0, said
    root = out / "site"
    served = Served()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(root, served))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", root, served
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _browser(tmp_path: Path, downloads: Path, monkeypatch):
    assert not MISSING, f"absents en CI : {', '.join(MISSING)} (installés par .ci/run)"
    from selenium import webdriver

    monkeypatch.setenv("SE_OFFLINE", "true")  # never Selenium Manager's downloads
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,  # a PDF link downloads the file
        },
    )
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    # Headless, downloads are refused unless allowed through the DevTools protocol.
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    return driver


def _downloaded(folder: Path) -> Path:
    """The one file the browser finished downloading into ``folder``."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if not p.name.endswith((".crdownload", ".tmp"))]
        if done and not any(p.name.endswith(".crdownload") for p in folder.iterdir()):
            assert len(done) == 1, done
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"rien n’a été téléchargé dans {folder} en {WAIT:g} s")


def _check_page(driver, base: str) -> None:
    """lang, one h1 then headings in order, table headers with a scope, and
    nothing loaded from elsewhere than the site."""
    from selenium.webdriver.common.by import By

    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    levels = [
        int(h.tag_name[1]) for h in driver.find_elements(By.CSS_SELECTOR, "h1, h2, h3, h4, h5, h6")
    ]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    for th in driver.find_elements(By.TAG_NAME, "th"):
        assert th.get_attribute("scope") in ("col", "row")
    for table in driver.find_elements(By.TAG_NAME, "table"):
        assert table.find_element(By.TAG_NAME, "caption").text
    assert not driver.find_elements(By.TAG_NAME, "script")
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert resources and all(r.startswith(base) for r in resources), resources  # the CSS


def test_a_browser_follows_every_link_of_the_site(server, tmp_path: Path, monkeypatch) -> None:
    import pypdf
    from selenium.webdriver.common.by import By

    base, root, served = server
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = _browser(tmp_path, downloads, monkeypatch)
    try:
        driver.get(base + "index.html")
        _check_page(driver, base)
        meetings = [
            (a.text, a.get_attribute("href"))
            for a in driver.find_elements(By.CSS_SELECTOR, "main li a")
        ]
        assert [text for text, _ in meetings] == [
            "Bureau du 2 mars 2017",
            "Bureau du 28 novembre 2016",
        ]
        pdfs_seen = 0
        for text, url in meetings:
            driver.get(base + "index.html")
            driver.find_element(By.LINK_TEXT, text).click()  # followed as a reader does
            assert driver.current_url == url
            assert driver.find_element(By.TAG_NAME, "h1").text == text
            _check_page(driver, base)
            assert (url[len(base) - 1 :], 200, "text/html") in served
            titles = [
                td.text for td in driver.find_elements(By.CSS_SELECTOR, "tbody td:nth-of-type(1)")
            ]
            links = [
                (a.text, a.get_attribute("href"))
                for a in driver.find_elements(By.CSS_SELECTOR, "a")
                if (a.get_attribute("href") or "").endswith(".pdf")
            ]
            folder = root / url[len(base) :].rsplit("/", 1)[0]
            assert sorted(u[len(base) :] for _, u in links) == sorted(
                p.relative_to(root).as_posix() for p in folder.rglob("*.pdf")
            )  # every PDF of the meeting, and nothing else
            for label, pdf_url in links:
                for old in downloads.iterdir():
                    old.unlink()
                driver.find_element(By.LINK_TEXT, label).click()
                file = _downloaded(downloads)
                path = pdf_url[len(base) - 1 :]
                assert (path, 200, "application/pdf") in served, (path, served[-3:])
                content = file.read_bytes()
                assert content[:5] == b"%PDF-"
                assert content == (root / path.lstrip("/")).read_bytes()
                text = normalise(
                    " ".join(page.extract_text() for page in pypdf.PdfReader(file).pages)
                )
                assert normalise(text_heading(text, label)) in text, (label, text[:300])
                if label.startswith("Extrait"):
                    row = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "td a")].index(
                        label
                    )
                    assert normalise(titles[row]) in text, (titles[row], text[:600])
                pdfs_seen += 1
            if "2017" in text:
                assert HOSTILE in titles  # a title that is HTML, shown as typed
        # 2017: list, 2 extracts (its minutes, not « arrêtés » yet, wait: L2121-15);
        # 2016: minutes (arrêtés on 2 March 2017), list, annex and 3 extracts.
        assert pdfs_seen == 3 + 6
    finally:
        driver.quit()
    # Found, or found unchanged (the style sheet, the index seen again): never a 404 (but
    # the icon a browser asks of any site, which is the body's website's own).
    assert all(status in (200, 304) for p, status, _ in served if p != "/favicon.ico"), served


def text_heading(text: str, label: str) -> str:
    """What a PDF opened from ``label`` must show: its document's title."""
    if label.startswith("Procès-verbal"):
        return "Procès-verbal"
    if label.startswith("Liste"):
        return "Liste des délibérations"
    if label.startswith("Annexe"):
        return "Annexe au procès-verbal"
    return "Extrait du registre des délibérations"
