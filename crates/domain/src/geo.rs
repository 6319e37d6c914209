//! Where something is on the map: one rule for every coordinate the system takes, a unit's
//! registered place or the spot a hazard was photographed at.

use crate::invalid::Violation;
use serde::Serialize;
use std::ops::RangeInclusive;

/// Mainland China and its islands (WGS-84, as phones report it): anything outside is a typing
/// or a device error, not a place in a county.
const LONGITUDE: RangeInclusive<f64> = 73.0..=136.0;
const LATITUDE: RangeInclusive<f64> = 3.0..=54.0;

/// A checked point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Location {
    pub longitude: f64,
    pub latitude: f64,
}

impl Location {
    /// Both coordinates or neither: one without the other is refused on the missing field,
    /// and each must lie within China.
    pub fn parse(longitude: Option<f64>, latitude: Option<f64>) -> Result<Option<Self>, Violation> {
        let check = |field: &str, v: f64, range: &RangeInclusive<f64>| {
            if v.is_finite() && range.contains(&v) {
                Ok(v)
            } else {
                Err(Violation::new(field, "error.coordinate"))
            }
        };
        let longitude = longitude
            .map(|v| check("longitude", v, &LONGITUDE))
            .transpose()?;
        let latitude = latitude
            .map(|v| check("latitude", v, &LATITUDE))
            .transpose()?;
        match (longitude, latitude) {
            (None, None) => Ok(None),
            (Some(longitude), Some(latitude)) => Ok(Some(Self {
                longitude,
                latitude,
            })),
            (Some(_), None) => Err(Violation::new("latitude", "error.required")),
            (None, Some(_)) => Err(Violation::new("longitude", "error.required")),
        }
    }

    pub fn longitude(this: Option<Self>) -> Option<f64> {
        this.map(|l| l.longitude)
    }

    pub fn latitude(this: Option<Self>) -> Option<f64> {
        this.map(|l| l.latitude)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(r: Result<Option<Location>, Violation>) -> Result<bool, (String, &'static str)> {
        r.map(|l| l.is_some()).map_err(|v| (v.field, v.key))
    }

    #[test]
    fn a_point_in_china_is_kept_and_one_outside_is_refused() {
        // 汉阴县城 (108.51° E, 32.89° N).
        assert_eq!(key(Location::parse(Some(108.51), Some(32.89))), Ok(true));
        assert_eq!(key(Location::parse(None, None)), Ok(false));
        // The bounds themselves are inside.
        assert_eq!(key(Location::parse(Some(73.0), Some(54.0))), Ok(true));
        assert_eq!(key(Location::parse(Some(136.0), Some(3.0))), Ok(true));
        let refused = |lon, lat, field: &str, k| {
            assert_eq!(
                key(Location::parse(lon, lat)),
                Err((field.to_owned(), k)),
                "{lon:?} {lat:?}"
            );
        };
        refused(Some(-108.51), Some(32.89), "longitude", "error.coordinate");
        refused(Some(180.0), Some(32.89), "longitude", "error.coordinate");
        refused(Some(108.51), Some(-32.89), "latitude", "error.coordinate");
        refused(Some(f64::NAN), Some(32.89), "longitude", "error.coordinate");
        refused(
            Some(108.51),
            Some(f64::INFINITY),
            "latitude",
            "error.coordinate",
        );
        refused(Some(108.51), None, "latitude", "error.required");
        refused(Some(200.0), None, "longitude", "error.coordinate");
        refused(None, Some(32.89), "longitude", "error.required");
    }
}
