//! A real PostgreSQL for the hub's tests, started by the tests themselves: one server per test binary
//! (started on first use), a database per test. `initdb` into a temporary folder, as the `postgres`
//! user when the tests run as root (`runuser`), a free port on 127.0.0.1, the unix socket in the same
//! folder, `fsync=off`. The server is a child of a small shell that stops it and deletes the folder
//! when this process ends (its stdin, a pipe from us, closes).
//!
//! Without the PostgreSQL binaries (Debian: `apt-get install postgresql`; found in
//! /usr/lib/postgresql/*/bin or on PATH) the PostgreSQL variants fail saying so, unless
//! `KIOSK_SKIP_PG_TESTS=1` says to skip them knowingly.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use rand::Rng;
use tokio_postgres::NoTls;

pub struct PgServer {
    pub port: u16,
    pub dir: PathBuf,
    /// The test CA that signed the server's certificate (for 127.0.0.1): `sslmode=require` with
    /// `database_ca_file` set to it connects over verified TLS.
    pub ca_file: PathBuf,
    /// The shell that runs the server; dropping our end of its stdin (at exit) stops it.
    _guard: Mutex<Child>,
}

/// The folder with `initdb`, `postgres` and `pg_isready`: the newest /usr/lib/postgresql/N/bin, or PATH.
pub fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| bin.join("initdb").exists() && bin.join("postgres").exists())
        .collect();
    dirs.sort();
    if let Some((_, bin)) = dirs.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(PathBuf::from)
        .find(|d| d.join("initdb").exists() && d.join("postgres").exists())
}

/// True when PostgreSQL's binaries are here; panics with how to install them unless the
/// PostgreSQL tests are to be skipped (`KIOSK_SKIP_PG_TESTS=1`).
pub fn available(test: &str) -> bool {
    if bin_dir().is_some() {
        return true;
    }
    if std::env::var("KIOSK_SKIP_PG_TESTS").as_deref() == Ok("1") {
        eprintln!("SKIPPED {test}: no PostgreSQL binaries (KIOSK_SKIP_PG_TESTS=1)");
        return false;
    }
    panic!(
        "{test}: the hub's PostgreSQL tests need PostgreSQL's server binaries (initdb, postgres), found neither in \
         /usr/lib/postgresql/*/bin nor on PATH. Install them (apt-get install postgresql; no service needs to \
         run) or set KIOSK_SKIP_PG_TESTS=1 to skip them knowingly."
    )
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A command run as `postgres` when we are root (PostgreSQL refuses to run as root).
fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start() -> Result<PgServer, String> {
    let bin = bin_dir().ok_or("no PostgreSQL binaries")?;
    let dir =
        std::env::temp_dir().join(format!("kiosk-hub-pg-{}-{:08x}", std::process::id(), rand::rng().random::<u32>()));
    std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if is_root() {
        let ok = Command::new("chown").arg("postgres:").arg(&dir).status().map_err(|e| e.to_string())?.success();
        if !ok {
            return Err("chown postgres: failed (is there a `postgres` user? the postgresql package makes it)".into());
        }
    }
    let data = dir.join("data");
    let out = as_server_user(&bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--no-locale"])
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !out.status.success() {
        return Err(format!("initdb failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let (ca_file, cert, key) = make_certificates(&dir)?;
    let port = free_port();
    let log = dir.join("server.log");
    // The shell stops the server when its stdin closes (this process ended), then removes the folder.
    let script = format!(
        "'{postgres}' -D '{data}' -p {port} -k '{dir}' -c listen_addresses=127.0.0.1 -c fsync=off \
         -c ssl=on -c ssl_cert_file='{cert}' -c ssl_key_file='{key}' -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 >'{log}' 2>&1 & pid=$!; \
         read _ignored; kill -INT $pid; wait $pid; rm -rf '{dir}'",
        postgres = bin.join("postgres").display(),
        data = data.display(),
        dir = dir.display(),
        log = log.display(),
        cert = cert.display(),
        key = key.display(),
    );
    let child = as_server_user(Path::new("/bin/sh"))
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting postgres: {e}"))?;
    let server = PgServer { port, dir: dir.clone(), ca_file, _guard: Mutex::new(child) };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = Command::new(bin.join("pg_isready"))
            .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string(), "-U", "postgres"])
            .status()
            .is_ok_and(|s| s.success());
        if ready {
            return Ok(server);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "postgres did not accept connections within 60 s: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A test CA and a server certificate for 127.0.0.1 signed by it (openssl, a dependency of the
/// postgresql package): `(ca.pem, server.pem, server.key)`, the key readable by the server only.
fn make_certificates(dir: &Path) -> Result<(PathBuf, PathBuf, PathBuf), String> {
    let (ca_key, ca, key, csr, cert, ext) = (
        dir.join("ca.key"),
        dir.join("ca.pem"),
        dir.join("server.key"),
        dir.join("server.csr"),
        dir.join("server.pem"),
        dir.join("server.ext"),
    );
    std::fs::write(&ext, "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        .map_err(|e| e.to_string())?;
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let openssl = |configure: &dyn Fn(&mut Command)| -> Result<(), String> {
        let mut c = Command::new("openssl");
        configure(&mut c);
        let out = c.output().map_err(|e| format!("openssl: {e}"))?;
        match out.status.success() {
            true => Ok(()),
            false => Err(format!("openssl {c:?}: {}", String::from_utf8_lossy(&out.stderr))),
        }
    };
    openssl(&|c| {
        c.args(["req", "-x509"]).args(ec).args(["-days", "2", "-subj", "/CN=kiosk-hub test CA"]);
        c.args(["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
        c.arg("-keyout").arg(&ca_key).arg("-out").arg(&ca);
    })?;
    openssl(&|c| {
        c.arg("req").args(ec).args(["-subj", "/CN=127.0.0.1"]).arg("-keyout").arg(&key).arg("-out").arg(&csr);
    })?;
    openssl(&|c| {
        c.args(["x509", "-req", "-days", "2", "-CAcreateserial", "-in"]).arg(&csr).arg("-CA").arg(&ca);
        c.arg("-CAkey").arg(&ca_key).arg("-extfile").arg(&ext).arg("-out").arg(&cert);
    })?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).map_err(|e| e.to_string())?;
    if is_root() {
        let ok = Command::new("chown").arg("postgres:").arg(&key).arg(&cert).status().is_ok_and(|s| s.success());
        if !ok {
            return Err("chown postgres: of the server key failed".into());
        }
    }
    Ok((ca, cert, key))
}

/// The test binary's server, started on first use.
pub fn server() -> &'static PgServer {
    static SERVER: OnceLock<Result<PgServer, String>> = OnceLock::new();
    match SERVER.get_or_init(start) {
        Ok(server) => server,
        Err(e) => panic!("could not start a PostgreSQL for the tests: {e}"),
    }
}

/// A connection to one of the server's databases (superuser `postgres`).
pub async fn connect(dbname: &str) -> tokio_postgres::Client {
    let server = server();
    let (client, connection) =
        tokio_postgres::connect(&format!("host=127.0.0.1 port={} user=postgres dbname={dbname}", server.port), NoTls)
            .await
            .unwrap();
    tokio::spawn(connection);
    client
}

/// A new, empty database for one test; returns its URL.
pub async fn new_database() -> String {
    let server = server();
    let name = format!("t_{:016x}", rand::rng().random::<u64>());
    let admin = connect("postgres").await;
    let mut tries = 0;
    while let Err(e) = admin.batch_execute(&format!("CREATE DATABASE {name}")).await {
        // Two CREATE DATABASE at once may collide on the template; try again.
        tries += 1;
        assert!(tries < 20, "CREATE DATABASE {name}: {e}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    format!("postgres://postgres@127.0.0.1:{}/{name}", server.port)
}

/// The database name of a URL made by [`new_database`].
pub fn database_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}
