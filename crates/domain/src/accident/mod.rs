//! Production-safety accidents (生产安全事故): the level by State Council Order 493 (Art. 3),
//! the quick report's chain up the levels of government with its clock (Art. 9–10), the
//! supplements of casualties within the window after the accident (Art. 13), and the kinds of
//! injury accident of GB 6441-86.

pub mod chain;
pub mod input;
pub mod level;

use chrono::{Days, NaiveDate};

crate::closed_set! {
    invalid = "error.accident_level";
    /// Order 493 Art. 3, in rising order (the derived order compares them).
    pub enum AccidentLevel {
        /// 一般事故.
        General = "general",
        /// 较大事故.
        Larger = "larger",
        /// 重大事故.
        Major = "major",
        /// 特别重大事故.
        EspeciallyMajor = "especially_major",
    }
}

crate::closed_set! {
    invalid = "error.accident_kind";
    /// The kinds of accident: the twenty categories of GB 6441-86 (企业职工伤亡事故分类), and
    /// the road traffic accident, which Order 493 names apart for its shorter supplement window.
    pub enum AccidentKind {
        /// 物体打击.
        ObjectStrike = "object_strike",
        /// 车辆伤害.
        Vehicle = "vehicle",
        /// 机械伤害.
        Machinery = "machinery",
        /// 起重伤害.
        Lifting = "lifting",
        /// 触电.
        ElectricShock = "electric_shock",
        /// 淹溺.
        Drowning = "drowning",
        /// 灼烫.
        Scald = "scald",
        /// 火灾.
        Fire = "fire",
        /// 高处坠落.
        FallFromHeight = "fall_from_height",
        /// 坍塌.
        Collapse = "collapse",
        /// 冒顶片帮.
        RoofFall = "roof_fall",
        /// 透水.
        WaterInrush = "water_inrush",
        /// 放炮.
        Blasting = "blasting",
        /// 火药爆炸.
        PowderExplosion = "powder_explosion",
        /// 瓦斯爆炸.
        GasExplosion = "gas_explosion",
        /// 锅炉爆炸.
        BoilerExplosion = "boiler_explosion",
        /// 容器爆炸.
        VesselExplosion = "vessel_explosion",
        /// 其他爆炸.
        OtherExplosion = "other_explosion",
        /// 中毒和窒息.
        Poisoning = "poisoning",
        /// 其他伤害.
        OtherInjury = "other_injury",
        /// 道路交通事故.
        RoadTraffic = "road_traffic",
    }
}

crate::closed_set! {
    /// How the accident statistics are grouped.
    pub enum AccidentGroup {
        Town = "town",
        Sector = "sector",
        Kind = "kind",
        Level = "level",
        Month = "month",
    }
}

/// Days after the accident within which changed casualties are supplemented (Order 493
/// Art. 13): 30, and 7 for road traffic accidents and fires.
pub fn supplement_days(kind: AccidentKind) -> u64 {
    match kind {
        AccidentKind::RoadTraffic | AccidentKind::Fire => 7,
        _ => 30,
    }
}

/// The last day on which a supplement is taken: "自事故发生之日起" N days, the day of the
/// accident being the first.
pub fn last_supplement_day(kind: AccidentKind, occurred_on: NaiveDate) -> NaiveDate {
    occurred_on
        .checked_add_days(Days::new(supplement_days(kind).saturating_sub(1)))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supplements_close_after_thirty_days_and_seven_for_road_traffic_and_fire() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(
            last_supplement_day(AccidentKind::Machinery, day),
            NaiveDate::from_ymd_opt(2026, 3, 30).unwrap()
        );
        for kind in [AccidentKind::RoadTraffic, AccidentKind::Fire] {
            assert_eq!(
                last_supplement_day(kind, day),
                NaiveDate::from_ymd_opt(2026, 3, 7).unwrap()
            );
        }
        assert_eq!(
            AccidentKind::ALL.len(),
            21,
            "GB 6441's twenty and road traffic"
        );
    }
}
