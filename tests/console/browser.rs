//! A real browser for the console's tests: Debian's `chromedriver` (package `chromium-driver`) started
//! on a free port of 127.0.0.1, driving a headless Chromium (package `chromium`) with a profile in a
//! temporary folder, through the `fantoccini` WebDriver client.
//!
//! Without chromedriver or Chromium the tests fail saying how to install them, unless
//! `KIOSK_SKIP_BROWSER_TESTS=1` says to skip them knowingly. `.ci/run` installs both when missing.
//!
//! chromedriver runs in a process group of its own, so that dropping a [`Browser`] (also when a test
//! panics before [`Browser::close`]) ends it and the Chromium processes it started, and nothing else.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Map, Value};

/// The environment variable that skips the browser tests knowingly when no browser is installed.
pub const SKIP: &str = "KIOSK_SKIP_BROWSER_TESTS";

/// A program on `PATH` (or in /usr/bin), if there.
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]).map(|dir| dir.join(name)).find(|p| p.is_file())
}

/// chromedriver and Chromium, or why not.
pub fn locate() -> Result<(PathBuf, PathBuf), String> {
    let driver =
        program("chromedriver").ok_or("chromedriver was not found on PATH (Debian package chromium-driver)")?;
    let chromium = program("chromium")
        .or_else(|| program("chromium-browser"))
        .ok_or("Chromium was not found on PATH (Debian package chromium)")?;
    Ok((driver, chromium))
}

/// True when chromedriver and Chromium are here; panics with how to install them unless the browser
/// tests are to be skipped (`KIOSK_SKIP_BROWSER_TESTS=1`).
pub fn available(test: &str) -> bool {
    match locate() {
        Ok(_) => true,
        Err(reason) if std::env::var(SKIP).as_deref() == Ok("1") => {
            eprintln!("SKIPPED {test}: {reason} ({SKIP}=1)");
            false
        }
        Err(reason) => panic!(
            "{test}: the console's browser tests need Chromium and chromedriver: {reason}. Install them \
             (apt-get install chromium chromium-driver) or set {SKIP}=1 to skip them knowingly."
        ),
    }
}

/// A headless Chromium driven over WebDriver; [`Browser::close`] ends the session, dropping it ends
/// chromedriver and its browser.
pub struct Browser {
    pub client: Client,
    driver: Child,
    /// Chromium's profile (and chromedriver's log).
    pub dir: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium; `None` when the browser tests are skipped
    /// ([`available`]).
    pub async fn start(test: &str) -> Option<Browser> {
        if !available(test) {
            return None;
        }
        let (driver_path, chromium) = locate().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("chromedriver.log")).unwrap();
        let driver = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_path.display()));
        let mut browser = BrowserStart { driver: Some(driver), dir: Some(dir) };
        wait_for_port(port, Duration::from_secs(20), &mut browser);
        let caps = capabilities(&chromium, &browser.dir.as_ref().unwrap().path().join("profile"));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("chromedriver could not start Chromium: {e}; its log: {}", browser.log()));
        let (driver, dir) = (browser.driver.take().unwrap(), browser.dir.take().unwrap());
        Some(Browser { client, driver, dir })
    }

    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// The visible text of the page's body.
    pub async fn text(&self) -> String {
        self.client.find(Locator::Css("body")).await.unwrap().text().await.unwrap()
    }

    /// The page's HTML as the browser holds it.
    pub async fn source(&self) -> String {
        self.client.source().await.unwrap()
    }

    /// Fills the input labelled `label` (its `<label>`'s text, exactly) with `value`: finds inputs by
    /// their labels, as a person does, so a missing label fails the test.
    pub async fn fill(&self, label: &str, value: &str) {
        let id = self.labelled(label).await;
        let input = self.client.find(Locator::Id(&id)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }

    /// Chooses the option whose text is `option` in the select labelled `label`.
    pub async fn choose(&self, label: &str, option: &str) {
        let id = self.labelled(label).await;
        let xpath = format!("//select[@id='{id}']/option[normalize-space(.)='{option}']");
        let choice = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no option «{option}» under «{label}»: {e}"));
        choice.click().await.unwrap();
    }

    /// The `id` of the control the `<label>` with exactly this text is for.
    async fn labelled(&self, label: &str) -> String {
        let xpath = format!("//label[normalize-space(.)='{label}']");
        let label_el = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no label «{label}» on the page: {e}"));
        label_el.attr("for").await.unwrap().unwrap_or_else(|| panic!("label «{label}» has no `for`"))
    }

    /// Clicks the link whose text is `text`, and waits until the next page has replaced this one.
    pub async fn follow(&self, text: &str) {
        let xpath = format!("//a[normalize-space(.)='{text}']");
        let link = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no link «{text}» on the page: {e}"));
        self.click_and_wait(link, text).await;
    }

    /// Clicks the button (or submit input) whose text is `text`, and waits until the next page has
    /// replaced this one.
    pub async fn press(&self, text: &str) {
        let xpath = format!("//button[normalize-space(.)='{text}'] | //input[@type='submit' and @value='{text}']");
        let button = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button «{text}» on the page: {e}"));
        self.click_and_wait(button, text).await;
    }

    async fn click_and_wait(&self, element: fantoccini::elements::Element, text: &str) {
        let page = self.client.find(Locator::Css("html")).await.unwrap();
        element.click().await.unwrap();
        // The next page has replaced this one when this page's element is gone (stale).
        let deadline = Instant::now() + Duration::from_secs(15);
        while page.tag_name().await.is_ok() {
            assert!(Instant::now() < deadline, "«{text}» loaded no new page within 15 s");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The current URL.
    pub async fn url(&self) -> String {
        self.client.current_url().await.unwrap().to_string()
    }

    /// chromedriver's log so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("chromedriver.log")).unwrap_or_default()
    }

    /// Ends the WebDriver session (Chromium exits) and chromedriver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        stop_group(&mut self.driver);
    }
}

/// chromedriver while starting: stopped if the start fails.
struct BrowserStart {
    driver: Option<Child>,
    dir: Option<tempfile::TempDir>,
}

impl BrowserStart {
    fn log(&self) -> String {
        self.dir
            .as_ref()
            .and_then(|d| std::fs::read_to_string(d.path().join("chromedriver.log")).ok())
            .unwrap_or_default()
    }
}

impl Drop for BrowserStart {
    fn drop(&mut self) {
        if let Some(driver) = &mut self.driver {
            stop_group(driver);
        }
    }
}

/// Ends chromedriver's process group (chromedriver and the Chromium it started) and reaps it.
fn stop_group(driver: &mut Child) {
    if let Some(pid) = rustix::process::Pid::from_raw(driver.id() as i32) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    let _ = driver.wait();
}

/// The session's capabilities: headless Chromium (`--headless=new`; `--no-sandbox`, as root in CI
/// has no user namespaces for its sandbox), its profile in `profile`, Chinese first.
fn capabilities(chromium: &Path, profile: &Path) -> Map<String, Value> {
    let options = json!({
        "binary": chromium,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--window-size=1280,900",
            "--lang=zh-CN",
            format!("--user-data-dir={}", profile.display()),
        ],
        "prefs": {"intl.accept_languages": "zh-CN,zh"},
    });
    let mut caps = Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), options);
    caps
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16, limit: Duration, start: &mut BrowserStart) {
    let deadline = Instant::now() + limit;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = start.driver.as_mut().and_then(|d| d.try_wait().unwrap()) {
            panic!("chromedriver exited ({status}) before listening; its log: {}", start.log());
        }
        assert!(Instant::now() < deadline, "chromedriver did not listen within {limit:?}; its log: {}", start.log());
        std::thread::sleep(Duration::from_millis(50));
    }
}
