//! What a resident reads about the hub's status of an application: the kiosk's progress query and
//! the hub's phone page (`/p/{token}`) say it in the same words.

/// The status in plain words, `(status, explanation)`, for the hub's `status` (`None` or an unknown
/// value: received by the department) and the note that set it (the reason, when rejected).
pub fn progress(english: bool, status: Option<&str>, note: Option<&str>) -> (String, String) {
    let (status, explanation) = match (english, status) {
        (false, Some("processing")) => ("办理中", "主管部门正在审核办理，请耐心等待。"),
        (false, Some("ready")) => ("已办结，可领取", "请带身份证和回执，到回执上写的地点领取。"),
        (false, Some("picked_up")) => ("已领取", "本事项已办理完毕。"),
        (false, Some("rejected")) => {
            let reason = note.map(|n| format!("原因：{n}。")).unwrap_or_default();
            return ("未通过".into(), format!("{reason}如有疑问，请拨打回执上的咨询电话。"));
        }
        (false, _) => ("主管部门已收到", "主管部门已收到您的申请，正在审核。"),
        (true, Some("processing")) => {
            ("In progress", "The department is processing your application. Thank you for your patience.")
        }
        (true, Some("ready")) => {
            ("Ready to collect", "Please bring your ID card and receipt to the place shown on the receipt.")
        }
        (true, Some("picked_up")) => ("Collected", "This matter is complete."),
        (true, Some("rejected")) => {
            let reason = note.map(|n| format!("Reason: {n}. ")).unwrap_or_default();
            return (
                "Not approved".into(),
                format!("{reason}If you have questions, please call the enquiry number on your receipt."),
            );
        }
        (true, _) => {
            ("Received by the department", "The department has received your application and is reviewing it.")
        }
    };
    (status.into(), explanation.into())
}

#[cfg(test)]
mod tests {
    use super::progress;

    #[test]
    fn every_status_has_words_in_both_languages() {
        assert_eq!(progress(false, Some("ready"), None).0, "已办结，可领取");
        assert_eq!(progress(true, Some("picked_up"), None).0, "Collected");
        assert_eq!(progress(false, None, None).0, "主管部门已收到");
        assert_eq!(progress(false, Some("archived"), None).0, "主管部门已收到", "an unknown status reads as received");
        let (s, x) = progress(false, Some("rejected"), Some("材料不全"));
        assert_eq!((s.as_str(), x.as_str()), ("未通过", "原因：材料不全。如有疑问，请拨打回执上的咨询电话。"));
        assert!(progress(true, Some("rejected"), Some("材料不全")).1.starts_with("Reason: 材料不全. "));
    }
}
