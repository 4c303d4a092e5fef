//! The speech engine with the real espeak-ng: every utterance becomes a WAV (captured with its text),
//! audible, as long as its text, longer when slower and louder when louder; a new utterance
//! interrupts the one being spoken; nothing of a card's name or number is ever spoken; the Mandarin
//! voice never switches to English on normalised text.
//!
//! These tests need `espeak-ng` (Debian package `espeak-ng`; `aplay` from `alsa-utils` is optional).
//! Without it they fail, unless `KIOSK_SKIP_SPEECH_TESTS=1` says to skip them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

#[path = "speech_support/mod.rs"]
mod speech_support;
use speech_support::espeak_here;

use kiosk::devices::idcard::sample_cards;
use kiosk::speech::espeak::{self, EspeakNg, EspeakOptions};
use kiosk::speech::wav::Wav;
use kiosk::speech::{for_the_ear, salutation, say, Lang, SayMode, Speech, SpeechConfig, SpeechEvent, Utterance, Voice};

macro_rules! needs_espeak {
    ($name:literal) => {
        if !espeak_here($name) {
            return;
        }
    };
}

const NORMAL: Voice = Voice { rate: 150, volume: 100 };

/// An engine capturing into a fresh folder, playing with `player` (`None`: no playback), no cache.
fn engine(player: Option<PathBuf>, device: Option<&str>) -> (EspeakNg, Receiver<SpeechEvent>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (engine, rx) = engine_in(dir.path(), player, device, 0);
    (engine, rx, dir)
}

fn engine_in(
    dir: &Path,
    player: Option<PathBuf>,
    device: Option<&str>,
    cache_bytes: usize,
) -> (EspeakNg, Receiver<SpeechEvent>) {
    let (tx, rx) = mpsc::channel();
    let options = EspeakOptions {
        player,
        device: device.map(String::from),
        capture_dir: Some(dir.to_path_buf()),
        cache_bytes,
        ..EspeakOptions::default()
    };
    let engine = EspeakNg::start(options, move |e| {
        let _ = tx.send(e);
    });
    assert!(engine.is_available(), "{:?}", engine.unavailable_reason());
    (engine, rx)
}

/// Waits for the event `pred` picks, failing after `secs`; returns it and every event before it.
fn wait_for(
    rx: &Receiver<SpeechEvent>,
    secs: u64,
    what: &str,
    pred: impl Fn(&SpeechEvent) -> bool,
) -> (SpeechEvent, Vec<SpeechEvent>) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(e) if pred(&e) => return (e, seen),
            Ok(e) => seen.push(e),
            Err(_) => panic!("no {what} within {secs} s; events: {seen:?}"),
        }
    }
}

fn finished(rx: &Receiver<SpeechEvent>, id: u64) -> Vec<SpeechEvent> {
    let (_, before) = wait_for(
        rx,
        60,
        &format!("end of utterance {id}"),
        |e| matches!(e, SpeechEvent::Finished { id: i, .. } | SpeechEvent::Failed { id: i, .. } if *i == id),
    );
    before
}

/// Speaks `text` and waits until it is done; returns the capture's WAV and text.
fn speak_and_capture(engine: &EspeakNg, rx: &Receiver<SpeechEvent>, u: Utterance) -> (Wav, String) {
    let id = engine.speak(u);
    let before = finished(rx, id);
    let capture = before
        .iter()
        .find_map(|e| match e {
            SpeechEvent::Started { id: i, capture: Some(c), .. } if *i == id => Some(c.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("utterance {id} was not captured: {before:?}"));
    (Wav::read(&capture.wav).unwrap(), std::fs::read_to_string(&capture.txt).unwrap())
}

/// Syllables of Mandarin text for the ear: one per Han character and per spelled letter or digit.
fn syllables(text: &str) -> usize {
    text.chars().filter(|c| kiosk::speech::normalise::is_han(*c) || c.is_ascii_alphanumeric()).count()
}

/// The prompts a resident hears most, as the screens show them.
fn typical_prompts() -> Vec<String> {
    use kiosk::messages as m;
    let cards = sample_cards();
    let elderly = &cards[0].2;
    let mut prompts: Vec<String> = vec![
        "请将身份证放在感应区".into(),
        "请核对以下信息，确认无误后点击提交。".into(),
        m::slip_printed(Lang::Zh, false).into(),
        m::slip_printed(Lang::Zh, true).into(),
        m::reader_fault(Lang::Zh, kiosk::devices::idcard::FaultKind::CardUnreadable).into(),
        m::reader_broken(Lang::Zh).into(),
        m::not_a_slip(Lang::Zh).into(),
        m::slip_not_found(Lang::Zh).into(),
        m::card_expired(Lang::Zh).into(),
        m::card_invalid(Lang::Zh).into(),
        m::submit_failed(Lang::Zh).into(),
        m::store_unavailable(Lang::Zh).into(),
        m::no_printer(Lang::Zh, true),
        m::print_unconfirmed(Lang::Zh, true),
        m::search(Lang::Zh, "", 0),
        m::search(Lang::Zh, "laonian", 3),
        m::records_found(Lang::Zh, 2),
        format!(
            "已提交。受理编号 SF-QST-01-20261130-0001，取件码 K7M2Q9，请于{}到 1号窗口领取。",
            m::promised_by(Lang::Zh, chrono::NaiveDate::from_ymd_opt(2026, 12, 4).unwrap())
        ),
        format!(
            "{}。申请人 {}，证件号码 {}。",
            salutation(elderly, Lang::Zh),
            elderly.masked_name(),
            elderly.masked_id_number()
        ),
        "补助标准为每人每月 5000元，报销比例50%，起付线 1,234.5元。".into(),
        "咨询电话：0731-28261101，监督投诉电话：12345。".into(),
        "办理时间：周一至周五 8:30-12:00，14:30-17:30（法定节假日除外）".into(),
        "您的网格员手机 13807310102，可以打电话请网格员上门代办。".into(),
        "承诺件：受理后 10 个工作日内办结（法定时限 20 个工作日）。".into(),
        "即将返回首页。如需继续办理，请点击“继续办理”。".into(),
        "打印机缺纸，请联系工作人员。您的申请已保存，可用手机拍下屏幕上的二维码。".into(),
        "请为本次服务评价：非常满意、满意、基本满意、不满意、非常不满意。".into(),
        "老年人优待证办理（年审）：石峰区卫生健康局（区老龄办） · 即办件 当场办结".into(),
        "请用下方键盘输入拼音或首字母，例如“老年人优待证”输入 lnrydz 或 ldyd。".into(),
        "出生日期 1953-08-16，有效期至 长期。".into(),
    ];
    prompts.dedup();
    prompts
}

/// A whole guide read aloud (the longest thing the kiosk says).
fn whole_guide(i: usize) -> String {
    let catalog = kiosk::catalog::bundled();
    let g = &catalog.items[i % catalog.items.len()];
    let mut text = format!("{}。{}。\n", g.name, kiosk::messages::guide_summary(kiosk::Lang::Zh, g));
    for (title, lines) in kiosk::messages::guide_sections(kiosk::Lang::Zh, g) {
        text.push_str(&format!("{title}\n{}\n", lines.join("\n")));
    }
    text
}

/// `espeak-ng -x` of `spoken` (as the engine gives it: SSML on stdin).
fn phonemes(spoken: &kiosk::speech::Spoken) -> String {
    let mut child = Command::new(espeak::ESPEAK_NG)
        .args(["-q", "-x", "-m", "-b", "1", "-v", spoken.lang().voice(), "--stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(spoken.ssml().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_utterance_is_captured_as_an_audible_wav_as_long_as_its_text() {
    needs_espeak!("every_utterance_is_captured_as_an_audible_wav_as_long_as_its_text");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("000041.txt"), "earlier run\n").unwrap();
    let (engine, rx) = engine_in(dir.path(), None, None, 0);
    let prompts = ["请将身份证放在感应区", "回执已打印，请从出纸口取走。", "受理编号 SF-QST-01-20261130-0001"];
    for (i, prompt) in prompts.iter().enumerate() {
        let u = Utterance::new(prompt, Lang::Zh, NORMAL);
        let expected_text = u.text();
        let (wav, txt) = speak_and_capture(&engine, &rx, u);
        let number = 42 + i;
        assert!(dir.path().join(format!("{number:06}.wav")).exists(), "numbered on from the highest present");
        assert_eq!(txt, format!("{expected_text}\n"));
        let n = syllables(&expected_text) as f64;
        let secs = wav.duration_secs();
        eprintln!("{prompt}: {n} syllables, {secs:.2} s, rms {:.0}, peak {}", wav.rms(), wav.peak());
        assert!(wav.rms() > 500.0 && wav.peak() > 5000, "audible: {prompt}");
        assert!(secs > 0.15 * n && secs < 0.6 * n + 1.0, "{secs:.2} s for {n} syllables: {prompt}");
    }
    let english = Utterance::new("Please place your ID card on the reader.", Lang::En, NORMAL);
    let (wav, txt) = speak_and_capture(&engine, &rx, english);
    assert_eq!(txt, "Please place your I D card on the reader.\n");
    assert!(wav.rms() > 500.0 && (1.0..6.0).contains(&wav.duration_secs()), "{:.2} s", wav.duration_secs());
    let wavs = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension() == Some("wav".as_ref()))
        .count();
    assert_eq!(wavs, 4, "one WAV per utterance, no scratch files left");
}

#[test]
fn a_slower_rate_gives_a_longer_wav_and_a_higher_volume_a_louder_one() {
    needs_espeak!("a_slower_rate_gives_a_longer_wav_and_a_higher_volume_a_louder_one");
    let (engine, rx, _dir) = engine(None, None);
    let text = "请将身份证放在感应区，读卡成功后请取回证件。";
    let (normal, _) = speak_and_capture(&engine, &rx, Utterance::new(text, Lang::Zh, NORMAL));
    let (slower, _) = speak_and_capture(&engine, &rx, Utterance::new(text, Lang::Zh, NORMAL.slower()));
    let ratio = slower.duration_secs() / normal.duration_secs();
    eprintln!("normal {:.2} s, slower {:.2} s (×{ratio:.2})", normal.duration_secs(), slower.duration_secs());
    assert!(ratio > 1.2, "slower is longer: ×{ratio:.2}");

    let quiet_voice = Voice { volume: 50, ..NORMAL };
    let loud_voice = quiet_voice.louder().louder().louder().louder().louder().louder();
    assert_eq!(loud_voice.volume, 200);
    let (quiet, _) = speak_and_capture(&engine, &rx, Utterance::new(text, Lang::Zh, quiet_voice));
    let (loud, _) = speak_and_capture(&engine, &rx, Utterance::new(text, Lang::Zh, loud_voice));
    eprintln!(
        "volume 50: rms {:.0} peak {}; volume 200: rms {:.0} peak {}",
        quiet.rms(),
        quiet.peak(),
        loud.rms(),
        loud.peak()
    );
    assert!(loud.rms() > 2.0 * quiet.rms(), "louder is louder");
    assert!(loud.peak() > quiet.peak());
    assert!((loud.duration_secs() - quiet.duration_secs()).abs() < 0.1, "volume does not change the length");
}

#[test]
fn a_repeated_prompt_comes_from_the_cache() {
    needs_espeak!("a_repeated_prompt_comes_from_the_cache");
    let dir = tempfile::tempdir().unwrap();
    let (engine, rx) = engine_in(dir.path(), None, None, espeak::DEFAULT_CACHE_BYTES);
    let mut synthesis = Vec::new();
    for voice in [NORMAL, NORMAL, NORMAL.slower()] {
        let id = engine.speak(Utterance::new("请将身份证放在感应区", Lang::Zh, voice));
        let (started, _) = wait_for(&rx, 30, "start", |e| matches!(e, SpeechEvent::Started { id: i, .. } if *i == id));
        let SpeechEvent::Started { synthesis: took, .. } = started else { unreachable!() };
        synthesis.push(took);
        finished(&rx, id);
    }
    eprintln!("synthesis: first {:?}, repeated {:?}, slower {:?}", synthesis[0], synthesis[1], synthesis[2]);
    assert!(synthesis[1] * 5 < synthesis[0], "the repeat is not synthesised again: {synthesis:?}");
    let wav = |n: u32| std::fs::read(dir.path().join(format!("{n:06}.wav"))).unwrap();
    assert_eq!(wav(1), wav(2), "the same audio");
    assert_ne!(wav(1), wav(3));
}

#[test]
fn a_new_utterance_kills_a_long_synthesis_at_once() {
    needs_espeak!("a_new_utterance_kills_a_long_synthesis_at_once");
    // Three whole guides: long enough to take well over 300 ms even on a fast, quiet machine.
    let long = Utterance::new(&[whole_guide(0), whole_guide(1), whole_guide(2)].concat(), Lang::Zh, NORMAL);
    // How long the long text takes to synthesise on this machine.
    let scratch = tempfile::tempdir().unwrap();
    let t = Instant::now();
    espeak::synthesise(Path::new(espeak::ESPEAK_NG), &long, &scratch.path().join("long.wav")).unwrap();
    let long_synthesis = t.elapsed();
    eprintln!("long text: {} characters, synthesis {long_synthesis:?}", long.text().chars().count());
    assert!(long_synthesis > Duration::from_millis(300), "the long text must take a while: {long_synthesis:?}");

    let (engine, rx, dir) = engine(None, None);
    let t = Instant::now();
    let first = engine.speak(long);
    assert!(t.elapsed() < Duration::from_millis(50), "speak never waits: {:?}", t.elapsed());
    std::thread::sleep(Duration::from_millis(100)); // the synthesiser is running now
    let short = Utterance::new("回执已打印，请从出纸口取走。", Lang::Zh, NORMAL);
    let short_text = short.text();
    let t = Instant::now();
    let second = engine.speak(short);
    let (started, before) = wait_for(
        &rx,
        30,
        "start of the second utterance",
        |e| matches!(e, SpeechEvent::Started { id, .. } if *id == second),
    );
    let waited = t.elapsed();
    eprintln!("second utterance started {waited:?} after it was asked for");
    assert!(before.contains(&SpeechEvent::Interrupted { id: first }), "{before:?}");
    assert!(!before.iter().any(|e| matches!(e, SpeechEvent::Started { id, .. } if *id == first)), "{before:?}");
    assert!(waited < long_synthesis / 2, "the long synthesis was killed, not waited for: {waited:?}");
    let SpeechEvent::Started { capture: Some(c), .. } = started else { panic!("not captured: {started:?}") };
    assert_eq!(std::fs::read_to_string(&c.txt).unwrap(), format!("{short_text}\n"));
    finished(&rx, second);
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["000001.txt", "000001.wav"], "the interrupted one left nothing behind");
}

/// Playback is interrupted too: a stand-in player that plays for 30 s (this machine may have no
/// sound card for `aplay` to play on) is killed by the next utterance and by `stop()`.
#[test]
fn a_new_utterance_and_stop_kill_the_playback() {
    needs_espeak!("a_new_utterance_and_stop_kill_the_playback");
    let bin = tempfile::tempdir().unwrap();
    let player = bin.path().join("slow-player");
    std::fs::write(&player, "#!/bin/sh\n# plays for 30 s whatever it is given\nexec sleep 30\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&player, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (engine, rx, _dir) = engine(Some(player), None);
    let first = engine.speak(Utterance::new("请将身份证放在感应区", Lang::Zh, NORMAL));
    wait_for(&rx, 30, "start of playback", |e| matches!(e, SpeechEvent::Started { id, .. } if *id == first));
    std::thread::sleep(Duration::from_millis(50));
    let t = Instant::now();
    let second = engine.speak(Utterance::new("读卡成功", Lang::Zh, NORMAL));
    wait_for(&rx, 5, "interruption of the first", |e| *e == SpeechEvent::Interrupted { id: first });
    wait_for(&rx, 30, "start of the second", |e| matches!(e, SpeechEvent::Started { id, .. } if *id == second));
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let t = Instant::now();
    engine.stop();
    wait_for(&rx, 5, "interruption by stop()", |e| *e == SpeechEvent::Interrupted { id: second });
    assert!(t.elapsed() < Duration::from_secs(1), "stop() is immediate: {:?}", t.elapsed());
    // The engine goes on speaking after a stop.
    let third = engine.speak(Utterance::new("您好", Lang::Zh, NORMAL));
    wait_for(&rx, 30, "start of the third", |e| matches!(e, SpeechEvent::Started { id, .. } if *id == third));
    drop(engine); // kills the player; must not hang
}

#[test]
fn without_a_capture_folder_nothing_is_left_on_disk() {
    needs_espeak!("without_a_capture_folder_nothing_is_left_on_disk");
    let (tx, rx) = mpsc::channel();
    let options = EspeakOptions { player: None, ..EspeakOptions::default() };
    let engine = EspeakNg::start(options, move |e| {
        let _ = tx.send(e);
    });
    let id = engine.speak(Utterance::new("您好", Lang::Zh, NORMAL));
    let (started, _) = wait_for(&rx, 30, "start", |e| matches!(e, SpeechEvent::Started { .. }));
    assert!(matches!(started, SpeechEvent::Started { id: i, capture: None, .. } if i == id), "{started:?}");
    wait_for(&rx, 30, "end", |e| *e == SpeechEvent::Finished { id, played: false });
    drop(engine);
    let prefix = format!("kiosk-speech-{}-", std::process::id());
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .collect();
    assert!(left.is_empty(), "scratch folders left: {left:?}");
}

#[test]
fn a_playback_failure_is_kept_for_staff_and_never_stops_synthesis_or_capture() {
    needs_espeak!("a_playback_failure_is_kept_for_staff_and_never_stops_synthesis_or_capture");
    // aplay on a device no machine has (or no aplay at all): playback fails everywhere.
    let (engine, rx, dir) = engine(Some(espeak::APLAY.into()), Some("kiosk_test_no_such_device"));
    for text in ["您好", "请将身份证放在感应区"] {
        let id = engine.speak(Utterance::new(text, Lang::Zh, NORMAL));
        let (end, _) = wait_for(
            &rx,
            60,
            "end",
            |e| matches!(e, SpeechEvent::Finished { id: i, .. } | SpeechEvent::Failed { id: i, .. } if *i == id),
        );
        assert_eq!(end, SpeechEvent::Finished { id, played: false });
    }
    let problem = engine.playback_problem().expect("the failure is kept for staff diagnostics");
    assert!(problem.contains("kiosk_test_no_such_device"), "{problem}");
    assert!(engine.is_available());
    assert!(dir.path().join("000002.wav").exists() && dir.path().join("000002.txt").exists());
}

#[test]
fn normalised_mandarin_never_switches_the_voice_to_english() {
    needs_espeak!("normalised_mandarin_never_switches_the_voice_to_english");
    // The check can fail: raw text does switch.
    for raw in ["输入 lnrydz", "报销50%", "申请人张*英"] {
        let verbatim = kiosk::speech::normalise::Spoken::verbatim(raw, Lang::Zh);
        assert!(phonemes(&verbatim).contains("(en)"), "{raw} switches without normalisation");
    }
    let mut texts = typical_prompts();
    texts.extend((0..kiosk::catalog::bundled().items.len()).map(whole_guide));
    for card in sample_cards() {
        texts.push(salutation(&card.2, Lang::Zh));
    }
    for text in &texts {
        let spoken = for_the_ear(text, Lang::Zh);
        let x = phonemes(&spoken);
        if let Some(at) = x.find("(en)") {
            let context: String = x[at.saturating_sub(80)..].chars().take(200).collect();
            panic!("the voice switches to English in {:?}\n…{context}", spoken.text());
        }
    }
    // English text: its Chinese item names are spoken by the Mandarin voice, not spelled out as
    // "Chinese letter".
    let english = for_the_ear("Apply for 老年人优待证 at window 1.", Lang::En);
    let x = phonemes(&english);
    assert!(!x.contains("tS'aIni:z"), "{x}");
}

#[test]
fn no_capture_holds_a_full_name_or_an_id_number() {
    needs_espeak!("no_capture_holds_a_full_name_or_an_id_number");
    let (engine, rx, dir) = engine(None, None);
    let cards = sample_cards();
    for (_, _, card) in &cards {
        let pass = card.pass_number.clone().unwrap_or_default();
        for lang in [Lang::Zh, Lang::En] {
            // As screens show them (masked), and as a careless sentence might have them in full.
            let texts = [
                salutation(card, lang),
                format!("申请人 {}，证件号码 {}。", card.masked_name(), card.masked_id_number()),
                format!("申请人 {}，证件号码 {}，通行证 {pass}。", card.name, card.id_number),
                format!(
                    "Applicant {}, number {}.",
                    card.english_name.clone().unwrap_or(card.name.clone()),
                    card.id_number
                ),
            ];
            for text in &texts {
                let id = engine.speak(Utterance::for_holder(text, lang, NORMAL, card));
                finished(&rx, id);
            }
            // A number reaches the ear hidden even without the card at hand.
            let id = engine.speak(Utterance::new(&format!("证件号码 {}", card.id_number), lang, NORMAL));
            finished(&rx, id);
        }
    }
    let captured: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension() == Some("txt".as_ref()))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(captured.len(), cards.len() * 2 * 5, "every utterance captured");
    for (_, _, card) in &cards {
        let mut secrets = vec![card.name.clone(), card.id_number.clone(), card.id_number[..10].to_string()];
        secrets.extend(card.english_name.clone());
        secrets.extend(card.pass_number.clone());
        for text in &captured {
            for secret in &secrets {
                assert!(
                    !text.to_lowercase().contains(&secret.to_lowercase()),
                    "{text:?} holds a card's name or number"
                );
            }
        }
    }
}

#[test]
fn without_espeak_nothing_is_spoken_and_the_reason_is_clear() {
    // Runs everywhere: a synthesiser that is not there.
    for (program, expected) in [
        ("kiosk-no-such-espeak", "kiosk-no-such-espeak not found on PATH"),
        ("/nonexistent/espeak-ng", "/nonexistent/espeak-ng not found"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel();
        let options = EspeakOptions {
            program: program.into(),
            capture_dir: Some(dir.path().join("c")),
            ..EspeakOptions::default()
        };
        let engine = EspeakNg::start(options, move |e| {
            let _ = tx.send(e);
        });
        assert!(!engine.is_available());
        assert!(engine.unavailable_reason().unwrap().starts_with(expected), "{:?}", engine.unavailable_reason());
        engine.speak(Utterance::new("您好", Lang::Zh, NORMAL));
        engine.stop();
        drop(engine);
        assert!(rx.try_recv().is_err(), "nothing happens");
        assert!(!dir.path().join("c").exists(), "nothing captured");
    }
    let reason = espeak::probe(Path::new("kiosk-no-such-espeak")).unwrap_err();
    assert!(reason.contains("espeak-ng"), "the reason says what to install: {reason}");
}

#[test]
fn say_prints_without_synthesising_and_writes_a_mandarin_wav() {
    let config = SpeechConfig::default();
    let printed = say(&config, "受理编号 SF-QST-01-20261130-0001", Lang::Zh, SayMode::Print).unwrap();
    assert_eq!(printed, "受理编号 S F，Q S T，零 幺，二 零 二 六 幺 幺 三 零，零 零 零 幺");
    needs_espeak!("say_prints_without_synthesising_and_writes_a_mandarin_wav");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.wav");
    let spoken = say(&config, "你好", Lang::Zh, SayMode::Write(&out)).unwrap();
    assert_eq!(spoken, "你好");
    let wav = Wav::read(&out).unwrap();
    assert!(wav.rms() > 500.0 && (0.4..3.0).contains(&wav.duration_secs()), "{:.2} s", wav.duration_secs());
    let x = phonemes(&for_the_ear("你好", Lang::Zh));
    assert!(x.contains("n'i35") && !x.contains("(en)"), "Mandarin: {x}");
    let quiet = SpeechConfig { volume: 40, ..SpeechConfig::default() };
    say(&quiet, "你好", Lang::Zh, SayMode::Write(&out)).unwrap();
    assert!(Wav::read(&out).unwrap().rms() < wav.rms(), "[speech] volume is used");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Synthesis latency per prompt, and what a WAV cache saves. `cargo test --test speech -- --ignored
/// --nocapture synthesis_latency`
#[test]
#[ignore]
fn synthesis_latency_per_prompt_and_the_cache() {
    needs_espeak!("synthesis_latency_per_prompt_and_the_cache");
    let prompts = typical_prompts();
    let program = Path::new(espeak::ESPEAK_NG);
    let scratch = tempfile::tempdir().unwrap();
    // Warm the page cache (dictionaries) once.
    espeak::synthesise(program, &Utterance::new("您好", Lang::Zh, NORMAL), &scratch.path().join("w.wav")).unwrap();
    let mut times = Vec::new();
    let mut audio = Vec::new();
    for _round in 0..3 {
        for p in &prompts {
            let u = Utterance::new(p, Lang::Zh, NORMAL);
            let out = scratch.path().join("p.wav");
            let t = Instant::now();
            espeak::synthesise(program, &u, &out).unwrap();
            times.push(t.elapsed());
            audio.push(Wav::read(&out).unwrap().duration_secs());
        }
    }
    times.sort();
    let total_audio: f64 = audio.iter().sum();
    eprintln!(
        "espeak-ng synthesis, {} prompts × 3: p50 {:?}, p90 {:?}, p99 {:?}, max {:?}; audio {:.1} s per prompt on average",
        prompts.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        percentile(&times, 0.99),
        times.last().unwrap(),
        total_audio / audio.len() as f64
    );
    // A process that does nothing but start: the floor of a process per prompt.
    let mut floor = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        Command::new(program).arg("--version").output().unwrap();
        floor.push(t.elapsed());
    }
    floor.sort();
    eprintln!("espeak-ng --version alone: p50 {:?}", percentile(&floor, 0.5));

    // Through the engine: time from speak() to Started, uncached and cached (a prompt repeated).
    for cache_bytes in [0, espeak::DEFAULT_CACHE_BYTES] {
        let dir = tempfile::tempdir().unwrap();
        let (engine, rx) = engine_in(dir.path(), None, None, cache_bytes);
        // Prompts spoken before, so that synthesis and capture are warm.
        let id = engine.speak(Utterance::new("您好", Lang::Zh, NORMAL));
        finished(&rx, id);
        let mut first = Vec::new();
        let mut again = Vec::new();
        for round in 0..2 {
            for p in &prompts {
                let t = Instant::now();
                let id = engine.speak(Utterance::new(p, Lang::Zh, NORMAL));
                wait_for(&rx, 30, "start", |e| matches!(e, SpeechEvent::Started { id: i, .. } if *i == id));
                (if round == 0 { &mut first } else { &mut again }).push(t.elapsed());
                finished(&rx, id);
            }
        }
        first.sort();
        again.sort();
        eprintln!(
            "engine, cache {} KiB: speak→started first time p50 {:?} p99 {:?}; repeated p50 {:?} p99 {:?}",
            cache_bytes / 1024,
            percentile(&first, 0.5),
            percentile(&first, 0.99),
            percentile(&again, 0.5),
            percentile(&again, 0.99)
        );
    }
    // aplay's own start on the null device (no sound card needed): added to every utterance.
    let wav = scratch.path().join("p.wav");
    let mut play = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let ok = Command::new(espeak::APLAY)
            .args(["-q", "-D", "null"])
            .arg(&wav)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            play.push(t.elapsed());
        }
    }
    play.sort();
    if !play.is_empty() {
        eprintln!("aplay -D null (start, no real-time playback): p50 {:?}", percentile(&play, 0.5));
    }
}
