//! The kiosk's printing worker: jobs go to a background thread that owns the serial port, so a slow
//! printer (a raster slip at 9600 baud takes ~20 s) never blocks the screen. The port is opened per job,
//! so a printer that was unplugged and plugged back in works again without a restart.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::{render, DeviceKind, PrintError, PrintReport, Printer, PrinterConfig, QrMode, RenderedJob};
use super::{SimMode, SimPrinter};
use crate::slip::{Paper, Slip};

/// What became of one job.
#[derive(Debug)]
pub struct PrintOutcome {
    pub id: u64,
    pub result: Result<PrintReport, PrintError>,
}

struct Request {
    id: u64,
    job: RenderedJob,
}

pub struct PrintService {
    requests: Option<Sender<Request>>,
    outcomes: Receiver<PrintOutcome>,
    worker: Option<JoinHandle<()>>,
    sim: Option<Arc<SimPrinter>>,
    paper: Paper,
    qr_mode: QrMode,
    next_id: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("printer.paper must be 58 or 80, found {0}")]
    Paper(u32),
    #[error("cannot start the simulated printer: {0}")]
    Sim(std::io::Error),
    #[error("cannot start the printing thread: {0}")]
    Thread(std::io::Error),
}

impl PrintService {
    /// Starts the worker; with `kind = "simulated"` also a simulated printer on a PTY.
    pub fn start(config: &PrinterConfig) -> Result<PrintService, ServiceError> {
        let paper = Paper::from_mm(config.paper).ok_or(ServiceError::Paper(config.paper))?;
        let mut config = config.clone();
        let sim = match config.kind {
            DeviceKind::Simulated => {
                let sim = SimPrinter::start(paper, SimMode::Normal).map_err(ServiceError::Sim)?;
                config.port = Some(sim.path().to_string());
                Some(Arc::new(sim))
            }
            DeviceKind::Serial => None,
        };
        let qr_mode = config.qr_mode;
        let (requests, jobs) = mpsc::channel::<Request>();
        let (done, outcomes) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("printer".into())
            .spawn(move || {
                for Request { id, job } in jobs {
                    let result = Printer::open(&config).and_then(|mut p| p.print_job(&job));
                    match &result {
                        Ok(r) => log::info!("print job {id}: {} bytes, near_end={}", r.bytes, r.near_end),
                        Err(e) => log::warn!("print job {id} failed: {e}"),
                    }
                    if done.send(PrintOutcome { id, result }).is_err() {
                        break;
                    }
                }
            })
            .map_err(ServiceError::Thread)?;
        Ok(PrintService { requests: Some(requests), outcomes, worker: Some(worker), sim, paper, qr_mode, next_id: 1 })
    }

    /// Renders a slip for this printer's paper and QR mode.
    pub fn render(&self, slip: &Slip) -> Result<RenderedJob, super::RenderError> {
        render(slip, self.paper, self.qr_mode)
    }

    /// Queues a job; its outcome arrives through [`PrintService::try_outcome`] with the returned id.
    pub fn submit(&mut self, job: RenderedJob) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        if let Some(tx) = &self.requests {
            let _ = tx.send(Request { id, job });
        }
        id
    }

    /// The next finished job, if any (never blocks).
    pub fn try_outcome(&self) -> Option<PrintOutcome> {
        self.outcomes.try_recv().ok()
    }

    /// Waits up to `timeout` for the next finished job (tests and scripts).
    pub fn wait_outcome(&self, timeout: Duration) -> Option<PrintOutcome> {
        self.outcomes.recv_timeout(timeout).ok()
    }

    /// The simulated printer, in demo mode and tests.
    pub fn simulator(&self) -> Option<&SimPrinter> {
        self.sim.as_deref()
    }

    pub fn paper(&self) -> Paper {
        self.paper
    }
}

impl Drop for PrintService {
    fn drop(&mut self) {
        self.requests.take();
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}
