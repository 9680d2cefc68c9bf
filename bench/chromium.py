"""The headless Chromium flags a closed network needs (no background fetches, no first-run
work): shared by the browser tests and the HTML benchmark so both open the page alike."""

FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
)
