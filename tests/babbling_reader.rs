//! A dying ID-card reader that streams random bytes (issue 18, item 6): the polling loop reports it
//! once, sends the screen no flood of events, keeps its memory flat however long it lasts, stops
//! promptly, and reads cards again when the reader recovers. Over a real pseudo-terminal (the
//! simulator's `Fault::Babble`).
//!
//! Its own test binary: the heap is measured by a counting global allocator, so nothing else may run
//! in the process. CI runs the short version (5 s of babble); the long one is
//! `cargo test --test babbling_reader -- --ignored --nocapture` (five minutes).
//! That the screen keeps answering touches meanwhile is tests/ui/identify.rs
//! (`a_babbling_reader_is_reported_and_the_screen_keeps_answering`).

#[path = "common/mod.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use kiosk::devices::idcard::{CardPoller, Fault, FaultKind, PollerOptions, ReaderEvent, SimReader};

/// The system allocator, counting the bytes live on the heap.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// More than the poller may add to the heap while the reader babbles (its frame buffer is bounded
/// by the protocol's MAX_LEN of 4 KiB; a leak of a few bytes per transaction would pass this within
/// the long run's thousands of transactions).
const GROWTH_LIMIT: usize = 64 * 1024;

fn babble_for(duration: Duration) {
    let sim = SimReader::start().unwrap();
    sim.set_fault(Fault::Babble);
    let options = PollerOptions {
        poll_interval: Duration::from_millis(50),
        step_timeout: Duration::from_millis(200),
        read_timeout: Duration::from_millis(500),
        ..PollerOptions::new(sim.path())
    };
    let (poller, rx) = CardPoller::spawn_channel(options);

    // The first transaction gives up on the babble: reported once, as garbled, not as silence.
    let first = next_event(&rx, Duration::from_secs(10)).expect("the babbling reader is reported");
    assert_eq!(first, ReaderEvent::ReaderFault(FaultKind::Garbled));
    let baseline = LIVE.load(Ordering::Relaxed);
    let babbled_before = sim.bytes_babbled();
    let commands_before = sim.commands_received();

    let started = Instant::now();
    let mut peak = baseline;
    let mut events = Vec::new();
    while started.elapsed() < duration {
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(event) => events.push(event),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => panic!("the poller's thread ended"),
        }
        peak = peak.max(LIVE.load(Ordering::Relaxed));
    }
    let babbled = sim.bytes_babbled() - babbled_before;
    let transactions = sim.commands_received() - commands_before;
    println!(
        "babbling reader, {:?}: {babbled} random bytes, {transactions} commands tried, {} further events, \
         heap {} -> peak {} bytes (+{})",
        started.elapsed(),
        events.len(),
        baseline,
        peak,
        peak - baseline
    );
    assert!(babbled > 10_000 * duration.as_secs(), "the simulator really babbled: {babbled} bytes");
    // Noise does not extend a step's timeout: each try gives up after its step timeout (200 ms), not
    // at the hard cap (step timeout + READ_TIMEOUT, 2.2 s). At least one try per half second.
    let at_least = (duration.as_millis() / 500) as u64;
    assert!(transactions >= at_least, "the poller kept trying: {transactions} commands, expected {at_least}");
    assert!(events.is_empty(), "one report, not a flood: {events:?}");
    assert!(peak - baseline < GROWTH_LIMIT, "the heap grew by {} bytes", peak - baseline);

    // The reader comes back to its senses: the loop notices and reads a card again.
    sim.clear_fault();
    assert_eq!(next_event(&rx, Duration::from_secs(5)), Some(ReaderEvent::ReaderRecovered));
    sim.place(&common::cards::elderly()).unwrap();
    match next_event(&rx, Duration::from_secs(5)) {
        Some(ReaderEvent::CardRead(card)) => assert_eq!(card, common::cards::elderly()),
        other => panic!("expected the card, got {other:?}"),
    }

    // Stopping while it babbles again takes no longer than one read slice.
    sim.set_fault(Fault::Babble);
    std::thread::sleep(Duration::from_millis(300));
    let stopping = Instant::now();
    poller.stop();
    assert!(stopping.elapsed() < Duration::from_secs(2), "stopped in {:?}", stopping.elapsed());
}

fn next_event(rx: &Receiver<ReaderEvent>, limit: Duration) -> Option<ReaderEvent> {
    rx.recv_timeout(limit).ok()
}

#[test]
fn a_babbling_reader_for_five_seconds() {
    babble_for(Duration::from_secs(5));
}

#[test]
#[ignore = "five minutes: cargo test --test babbling_reader -- --ignored --nocapture"]
fn a_babbling_reader_for_five_minutes() {
    babble_for(Duration::from_secs(300));
}
