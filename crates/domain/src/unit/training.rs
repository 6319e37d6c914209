//! A unit's training (R-CAL-3): the pre-shift briefing each working day (班前会), a monthly
//! exam, a publicity activity each half year, and the three posts' yearly training. Hours are
//! never negative; attendees are a count or names (names count themselves).

use crate::invalid::{Invalid, Violation, optional_text, required_text};
use crate::tenure::parse_date;
use chrono::NaiveDate;
use serde::Deserialize;

/// The most names and scores one training lists.
pub const MAX_ATTENDEES: usize = 500;

crate::closed_set! {
    invalid = "error.training_kind";
    /// Which training.
    pub enum TrainingKind {
        /// 班前会: before each working day's shift.
        PreShift = "pre_shift",
        /// 月度考试: each month.
        MonthlyExam = "monthly_exam",
        /// 宣传教育活动: each half year.
        Publicity = "publicity",
        /// 三岗人员年度培训: each year, for every post holder.
        ThreePost = "three_post",
    }
}

/// A training as the unit sends it (`POST /api/v1/units/{id}/trainings`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = TrainingRequest)]
pub struct TrainingInput {
    /// pre_shift, monthly_exam, publicity or three_post
    pub kind: Option<String>,
    /// YYYY-MM-DD: not after today, nor before the unit entered the census.
    pub held_on: Option<String>,
    pub topic: Option<String>,
    /// Hours, 0–24.
    pub hours: Option<f64>,
    /// How many attended, when not named.
    pub attendee_count: Option<i64>,
    /// Who attended (a three-post training names its post holders).
    #[serde(default)]
    pub attendees: Vec<String>,
    /// Exam scores (0–100), one per attendee, for a monthly exam.
    #[serde(default)]
    pub scores: Vec<f64>,
    /// A photo of the signed attendance sheet: JPEG, PNG or WebP as base64 (a `data:` URL is
    /// taken too). The web layer takes it in; the rules here do not look at it.
    pub sign_in_sheet: Option<String>,
}

/// A checked training.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTraining {
    pub kind: TrainingKind,
    pub held_on: NaiveDate,
    pub topic: String,
    pub hours: f64,
    pub attendee_count: i64,
    pub attendees: Vec<String>,
    pub scores: Vec<f64>,
}

impl NewTraining {
    pub fn parse(
        input: &TrainingInput,
        today: NaiveDate,
        since: NaiveDate,
    ) -> Result<Self, Invalid> {
        let mut e = Invalid::default();
        let kind = e.keep(TrainingKind::parse(
            "kind",
            input.kind.as_deref().unwrap_or_default(),
        ));
        let held_on = match input.held_on.as_deref().map(str::trim) {
            None | Some("") => {
                e.push(Violation::new("held_on", "error.required"));
                None
            }
            Some(raw) => e.keep(parse_date("held_on", raw).and_then(|d| {
                if d > today {
                    Err(Violation::new("held_on", "error.future_date"))
                } else if d < since {
                    Err(Violation::new("held_on", "error.before_unit").with("date", since))
                } else {
                    Ok(d)
                }
            })),
        };
        let topic = e.keep(required_text(
            "topic",
            input.topic.as_deref().unwrap_or_default(),
            200,
        ));
        let hours = match input.hours {
            None => {
                e.push(Violation::new("hours", "error.required"));
                None
            }
            Some(h) if !h.is_finite() || !(0.0..=24.0).contains(&h) => {
                e.push(Violation::new("hours", "error.hours"));
                None
            }
            Some(h) => Some(h),
        };
        if input.attendees.len() > MAX_ATTENDEES {
            e.push(Violation::new("attendees", "error.too_many").with("max", MAX_ATTENDEES));
        }
        let mut attendees = Vec::new();
        for (i, name) in input.attendees.iter().take(MAX_ATTENDEES).enumerate() {
            if let Some(n) = e.keep(
                required_text("attendee", name, 40).map_err(|v| v.at(format!("attendees[{i}]"))),
            ) {
                attendees.push(n);
            }
        }
        let attendee_count = match (input.attendee_count, input.attendees.len()) {
            (Some(n), _) if !(0..=100_000).contains(&n) => {
                e.push(Violation::new("attendee_count", "error.count"));
                None
            }
            (Some(n), named) => Some(n.max(i64::try_from(named).unwrap_or(i64::MAX))),
            (None, 0) => {
                e.push(Violation::new("attendee_count", "error.required"));
                None
            }
            (None, named) => Some(i64::try_from(named).unwrap_or(i64::MAX)),
        };
        if input.scores.len() > MAX_ATTENDEES {
            e.push(Violation::new("scores", "error.too_many").with("max", MAX_ATTENDEES));
        }
        for (i, s) in input.scores.iter().enumerate().take(MAX_ATTENDEES) {
            if !s.is_finite() || !(0.0..=100.0).contains(s) {
                e.push(Violation::new(format!("scores[{i}]"), "error.score"));
            }
        }
        let _ = optional_text;
        e.into_result()?;
        match (kind, held_on, topic, hours, attendee_count) {
            (Some(kind), Some(held_on), Some(topic), Some(hours), Some(attendee_count)) => {
                Ok(NewTraining {
                    kind,
                    held_on,
                    topic,
                    hours,
                    attendee_count,
                    attendees,
                    scores: input.scores.iter().copied().take(MAX_ATTENDEES).collect(),
                })
            }
            _ => Err(Invalid::one("kind", "error.required")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn input() -> TrainingInput {
        TrainingInput {
            kind: Some("monthly_exam".into()),
            held_on: Some("2026-12-02".into()),
            topic: Some("消防器材使用".into()),
            hours: Some(1.5),
            attendees: vec!["王伟".into(), "李芳".into()],
            scores: vec![92.0, 85.5],
            ..Default::default()
        }
    }

    #[test]
    fn names_count_themselves_and_bad_input_names_its_field() {
        let (today, since) = (day("2026-12-03"), day("2025-01-01"));
        let ok = NewTraining::parse(&input(), today, since).unwrap();
        assert_eq!(ok.attendee_count, 2);
        let fields = |i: TrainingInput| -> Vec<String> {
            NewTraining::parse(&i, today, since)
                .unwrap_err()
                .0
                .into_iter()
                .map(|v| v.field)
                .collect()
        };
        let with = |f: &dyn Fn(&mut TrainingInput)| {
            let mut i = input();
            f(&mut i);
            i
        };
        assert_eq!(fields(with(&|i| i.hours = Some(-1.0))), ["hours"]);
        assert_eq!(fields(with(&|i| i.hours = Some(25.0))), ["hours"]);
        assert_eq!(fields(with(&|i| i.hours = Some(f64::NAN))), ["hours"]);
        assert_eq!(
            fields(with(&|i| i.held_on = Some("2026-12-04".into()))),
            ["held_on"]
        );
        assert_eq!(
            fields(with(&|i| i.held_on = Some("2024-12-31".into()))),
            ["held_on"]
        );
        assert_eq!(fields(with(&|i| i.kind = Some("party".into()))), ["kind"]);
        assert_eq!(
            fields(with(&|i| i.scores = vec![101.0, 50.0])),
            ["scores[0]"]
        );
        assert_eq!(
            fields(with(&|i| i.attendees = vec![String::new()])),
            ["attendees[0]"]
        );
        assert_eq!(
            fields(with(&|i| {
                i.attendees.clear();
                i.scores.clear();
            })),
            ["attendee_count"]
        );
        assert_eq!(
            fields(with(&|i| i.attendee_count = Some(-3))),
            ["attendee_count"]
        );
    }
}
