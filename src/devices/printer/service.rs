//! The kiosk's printing worker: jobs go to a background thread that owns the serial port, so a slow
//! printer (a raster slip at 9600 baud takes ~3 s) never blocks the screen; the worker publishes how
//! far the job on the port has got ([`PrintService::progress`]) for the screen's progress bar. The port is opened per job,
//! so a printer that was unplugged and plugged back in works again without a restart. Status checks
//! (staff diagnostics) go through the same queue, so they never meet a job on the port and never
//! block the screen either.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{
    render, DeviceKind, PrintError, PrintReport, Printer, PrinterConfig, PrinterStatus, Progress, QrMode, RenderedJob,
};
use super::{SimMode, SimPrinter};
use crate::slip::{Paper, Slip};

/// What became of one job.
#[derive(Debug)]
pub struct PrintOutcome {
    pub id: u64,
    pub result: Result<PrintReport, PrintError>,
}

/// What a status check found.
#[derive(Debug)]
pub struct StatusOutcome {
    pub id: u64,
    pub result: Result<PrinterStatus, PrintError>,
}

/// The job on the port and how far it has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobProgress {
    pub id: u64,
    pub progress: Progress,
}

enum Request {
    Print { id: u64, job: RenderedJob },
    Status { id: u64 },
}

pub struct PrintService {
    requests: Option<Sender<Request>>,
    outcomes: Receiver<PrintOutcome>,
    statuses: Receiver<StatusOutcome>,
    worker: Option<JoinHandle<()>>,
    /// Written by the worker while a job is sent; `None` between jobs.
    progress: Arc<Mutex<Option<JobProgress>>>,
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
        let (status_done, statuses) = mpsc::channel();
        let progress = Arc::new(Mutex::new(None));
        let shared = Arc::clone(&progress);
        let set_progress = move |p: Option<JobProgress>| *shared.lock().unwrap_or_else(|e| e.into_inner()) = p;
        let worker = std::thread::Builder::new()
            .name("printer".into())
            .spawn(move || {
                for request in jobs {
                    let sent = match request {
                        Request::Print { id, job } => {
                            let result = Printer::open(&config).and_then(|mut p| {
                                p.print_job_with(&job, &mut |progress| set_progress(Some(JobProgress { id, progress })))
                            });
                            set_progress(None);
                            match &result {
                                Ok(r) => log::info!("print job {id}: {} bytes, near_end={}", r.bytes, r.near_end),
                                Err(e) => log::warn!("print job {id} failed: {e}"),
                            }
                            done.send(PrintOutcome { id, result }).is_ok()
                        }
                        Request::Status { id } => {
                            let result = Printer::open(&config).and_then(|mut p| p.status());
                            status_done.send(StatusOutcome { id, result }).is_ok()
                        }
                    };
                    if !sent {
                        break;
                    }
                }
            })
            .map_err(ServiceError::Thread)?;
        Ok(PrintService {
            requests: Some(requests),
            outcomes,
            statuses,
            worker: Some(worker),
            progress,
            sim,
            paper,
            qr_mode,
            next_id: 1,
        })
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
            let _ = tx.send(Request::Print { id, job });
        }
        id
    }

    /// Queues a status check (DLE EOT) behind any jobs already queued; its answer arrives through
    /// [`PrintService::try_status`] with the returned id.
    pub fn request_status(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        if let Some(tx) = &self.requests {
            let _ = tx.send(Request::Status { id });
        }
        id
    }

    /// The next answered status check, if any (never blocks).
    pub fn try_status(&self) -> Option<StatusOutcome> {
        self.statuses.try_recv().ok()
    }

    /// The job being sent and how far it has got; `None` between jobs (never blocks).
    pub fn progress(&self) -> Option<JobProgress> {
        *self.progress.lock().unwrap_or_else(|e| e.into_inner())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn wait_status(service: &PrintService) -> StatusOutcome {
        let until = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(s) = service.try_status() {
                return s;
            }
            assert!(std::time::Instant::now() < until, "no status answer");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn a_status_check_is_answered_by_the_worker_in_queue_order() {
        let mut service = PrintService::start(&PrinterConfig::default()).unwrap();
        service.simulator().unwrap().set_mode(SimMode::PaperOut);
        let id = service.request_status();
        let answer = wait_status(&service);
        assert_eq!(answer.id, id);
        assert_eq!(answer.result.unwrap().paper, super::super::PaperState::Out);
        service.simulator().unwrap().set_mode(SimMode::Normal);
        // A job queued first is printed before the check that follows it is answered.
        let job = service.render(&Slip::from(crate::slip::PickupSlip::sample("https://example.invalid/p/"))).unwrap();
        let job_id = service.submit(job);
        let check = service.request_status();
        let answer = wait_status(&service);
        assert_eq!(answer.id, check);
        assert!(answer.result.unwrap().is_ready());
        let outcome = service.try_outcome().expect("the job finished before the check was answered");
        assert_eq!(outcome.id, job_id);
        assert!(outcome.result.is_ok());
    }
}
