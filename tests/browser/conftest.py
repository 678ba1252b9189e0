"""A live server and a headless Chromium for the JavaScript paths.

The server runs in a thread on a real port, with CSRF on, a SQLite file of its own and a
clock the test can move (real time plus an offset). It can be stopped and started again on
the same port to cut the network under a page. Tests skip, with the reason printed, when
Debian's chromium and chromium-driver are not installed.
"""
from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta, timezone

import pytest
from helpers import BANKS
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


class MovableClock:
    def __init__(self):
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = None
        self._thread = None
        self.port = None

    def start(self):
        self._server = make_server("127.0.0.1", self.port or 0, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def live(tmp_path):
    from assess import create_app
    clock = MovableClock()
    app = create_app({
        "SECRET_KEY": "browser-tests",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.sqlite3'}",
        "CLOCK": clock,
        "SIGNING_KEYS_DIR": str(tmp_path / "keys"),
        "JOBS_IMMEDIATE": True,  # certificates are signed in the request, with no worker
    })
    from assess.extensions import db
    from assess.services import accounts
    from assess.services.banks import import_paths
    with app.app_context():
        db.create_all()
        import_paths([BANKS], now=clock())
        accounts.create_user("applicant@example.org", "Applicant", "correct horse battery",
                             "applicant", now=clock(), min_length=10)
    server = LiveServer(app)
    server.start()
    server.clock = clock
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("Chromium not installed: apt-get install -y chromium chromium-driver "
                    "(Debian) to run the browser tests")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()
