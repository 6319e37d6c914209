//! The level of an accident by State Council Order 493, Art. 3: by deaths, serious injuries
//! (acute industrial poisoning included) and direct economic loss, the highest of the three
//! deciding. "以上" includes its number and "以下" excludes it, so each bound belongs to the
//! higher level.

use super::AccidentLevel;
use crate::invalid::{Invalid, Violation};
use serde::Deserialize;

/// What an accident cost, as counted at the time.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Casualties {
    pub deaths: u32,
    /// Missing people (失踪), counted with the dead for the level as the accident statistics
    /// do ("死亡（含失踪）").
    pub missing: u32,
    /// Serious injuries, acute industrial poisoning included (含急性工业中毒).
    pub serious_injuries: u32,
    pub direct_loss_yuan: f64,
}

/// The bounds of Art. 3, highest level first: (level, deaths, serious injuries, loss in yuan),
/// each the least that reaches the level.
const BOUNDS: [(AccidentLevel, u32, u32, f64); 3] = [
    (AccidentLevel::EspeciallyMajor, 30, 100, 100_000_000.0),
    (AccidentLevel::Major, 10, 50, 50_000_000.0),
    (AccidentLevel::Larger, 3, 10, 10_000_000.0),
];

/// The accident's level: the highest that any of the three figures reaches.
pub fn level_of(c: &Casualties) -> AccidentLevel {
    let dead = c.deaths.saturating_add(c.missing);
    BOUNDS
        .iter()
        .find(|(_, deaths, injuries, loss)| {
            dead >= *deaths || c.serious_injuries >= *injuries || c.direct_loss_yuan >= *loss
        })
        .map_or(AccidentLevel::General, |(level, ..)| *level)
}

/// The most people a report counts (a bound against typing errors, above any accident on
/// record), and the largest loss in yuan.
pub const MAX_PEOPLE: i64 = 100_000;
pub const MAX_LOSS_YUAN: f64 = 1.0e13;

/// The three figures as a client sends them (`POST /api/v1/calc/accident-level`, and inside a
/// report or a supplement).
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = AccidentFiguresRequest)]
pub struct FiguresInput {
    /// Deaths: a whole number, not negative.
    pub deaths: Option<i64>,
    /// Missing people: a whole number, not negative (counted with the dead).
    pub missing: Option<i64>,
    /// Serious injuries, acute industrial poisoning included: a whole number, not negative.
    pub serious_injuries: Option<i64>,
    /// Direct economic loss in yuan, not negative.
    pub direct_loss_yuan: Option<f64>,
}

impl FiguresInput {
    /// The figures, every fault named (a missing figure counts as nought).
    pub fn parse(&self) -> Result<Casualties, Invalid> {
        let mut e = Invalid::default();
        let deaths = e.keep(people("deaths", self.deaths));
        let missing = e.keep(people("missing", self.missing));
        let injuries = e.keep(people("serious_injuries", self.serious_injuries));
        let loss = e.keep(loss("direct_loss_yuan", self.direct_loss_yuan));
        e.into_result()?;
        Ok(Casualties {
            deaths: deaths.unwrap_or_default(),
            missing: missing.unwrap_or_default(),
            serious_injuries: injuries.unwrap_or_default(),
            direct_loss_yuan: loss.unwrap_or_default(),
        })
    }
}

fn people(field: &str, n: Option<i64>) -> Result<u32, Violation> {
    match n.unwrap_or(0) {
        n if n < 0 => Err(Violation::new(field, "error.not_negative")),
        n if n > MAX_PEOPLE => {
            Err(Violation::new(field, "error.accident_people").with("max", MAX_PEOPLE))
        }
        n => u32::try_from(n).map_err(|_| Violation::new(field, "error.accident_people")),
    }
}

fn loss(field: &str, yuan: Option<f64>) -> Result<f64, Violation> {
    match yuan.unwrap_or(0.0) {
        y if !y.is_finite() => Err(Violation::new(field, "error.number")),
        y if y < 0.0 => Err(Violation::new(field, "error.not_negative")),
        y if y > MAX_LOSS_YUAN => Err(Violation::new(field, "error.accident_loss")),
        y => Ok(y),
    }
}

#[cfg(test)]
mod tests {
    use super::AccidentLevel::{EspeciallyMajor, General, Larger, Major};
    use super::*;

    fn deaths(n: u32) -> Casualties {
        Casualties {
            deaths: n,
            ..Default::default()
        }
    }
    fn injuries(n: u32) -> Casualties {
        Casualties {
            serious_injuries: n,
            ..Default::default()
        }
    }
    fn loss(yuan: f64) -> Casualties {
        Casualties {
            direct_loss_yuan: yuan,
            ..Default::default()
        }
    }

    /// Art. 3's table, at and just below every bound of each figure.
    #[test]
    fn every_bound_of_the_three_figures() {
        for (n, level) in [
            (0, General),
            (2, General),
            (3, Larger),
            (9, Larger),
            (10, Major),
            (29, Major),
            (30, EspeciallyMajor),
            (300, EspeciallyMajor),
        ] {
            assert_eq!(level_of(&deaths(n)), level, "{n} deaths");
        }
        for (n, level) in [
            (0, General),
            (9, General),
            (10, Larger),
            (49, Larger),
            (50, Major),
            (99, Major),
            (100, EspeciallyMajor),
        ] {
            assert_eq!(level_of(&injuries(n)), level, "{n} serious injuries");
        }
        for (yuan, level) in [
            (0.0, General),
            (9_999_999.99, General),
            (10_000_000.0, Larger),
            (49_999_999.99, Larger),
            (50_000_000.0, Major),
            (99_999_999.99, Major),
            (100_000_000.0, EspeciallyMajor),
        ] {
            assert_eq!(level_of(&loss(yuan)), level, "{yuan} yuan");
        }
    }

    #[test]
    fn the_highest_of_the_three_decides_and_the_missing_count_with_the_dead() {
        let c = Casualties {
            deaths: 1,
            serious_injuries: 50,
            direct_loss_yuan: 12_000_000.0,
            missing: 0,
        };
        assert_eq!(level_of(&c), Major);
        let c = Casualties {
            deaths: 2,
            missing: 1,
            ..Default::default()
        };
        assert_eq!(level_of(&c), Larger);
        let c = Casualties {
            deaths: 29,
            missing: 1,
            ..Default::default()
        };
        assert_eq!(level_of(&c), EspeciallyMajor);
    }

    #[test]
    fn figures_are_whole_and_not_negative() {
        let bad = FiguresInput {
            deaths: Some(-1),
            missing: Some(MAX_PEOPLE + 1),
            serious_injuries: Some(0),
            direct_loss_yuan: Some(-0.5),
        };
        let e = bad.parse().unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["deaths", "missing", "direct_loss_yuan"]);
        let nan = FiguresInput {
            direct_loss_yuan: Some(f64::NAN),
            ..Default::default()
        };
        assert!(nan.parse().is_err());
        assert_eq!(
            FiguresInput::default().parse().unwrap(),
            Casualties::default()
        );
    }
}
