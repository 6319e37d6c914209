//! Photos from phones: decoded (JPEG, PNG or WebP only), turned upright by their EXIF
//! orientation, scaled to a sensible size and encoded again as JPEG. Encoding anew drops every
//! byte of metadata (GPS position, camera, owner) and anything hidden after the picture, so
//! what is stored is a picture and nothing else.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use std::io::Cursor;

/// The longest side of a stored photo: plenty to read a gauge or a label.
pub const MAX_SIDE: u32 = 2048;
/// The longest side of a thumbnail in a list.
pub const THUMB_SIDE: u32 = 320;
/// Pictures with more pixels than this are refused before decoding (decompression bombs).
const MAX_PIXELS: u64 = 50_000_000;
/// Pictures that decode to more bytes than this are refused before decoding: a 50-megapixel
/// phone photo (8 bits a channel) fits, a 16-bit PNG of the same size does not. With the
/// working copies this bounds one photo's memory at about three times as much.
pub const MAX_DECODED_BYTES: u64 = 160 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("not a JPEG, PNG or WebP picture")]
    NotAPicture,
    #[error("picture too large")]
    TooManyPixels,
    #[error("encoding: {0}")]
    Encoding(String),
}

pub struct Photo {
    pub jpeg: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Re-encodes a photo and makes its thumbnail.
pub fn process(bytes: &[u8]) -> Result<Photo, PhotoError> {
    let format = image::guess_format(bytes).map_err(|_| PhotoError::NotAPicture)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::NotAPicture);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::NotAPicture)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS || decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(PhotoError::TooManyPixels);
    }
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::NotAPicture)?;
    if let Some(o) = orientation {
        picture.apply_orientation(o);
    }
    // Scaled by averaging blocks of pixels (`thumbnail`): as good as a filter for shrinking a
    // photo, without a filter's floating-point copy of the whole picture.
    let picture = if picture.width().max(picture.height()) > MAX_SIDE {
        picture.thumbnail(MAX_SIDE, MAX_SIDE)
    } else {
        picture
    };
    let thumb = picture.thumbnail(THUMB_SIDE, THUMB_SIDE);
    Ok(Photo {
        width: picture.width(),
        height: picture.height(),
        jpeg: jpeg(&picture, 85)?,
        thumbnail: jpeg(&thumb, 75)?,
    })
}

fn jpeg(picture: &DynamicImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    let rgb = picture.to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&rgb)
        .map_err(|e| PhotoError::Encoding(e.to_string()))?;
    Ok(out)
}

/// A picture drawn for the demo county, as a phone would have taken it on a visit: a wall and
/// floor with a green exit sign, and — before rectification — orange boxes blocking the way
/// and a red warning mark; after it, the way clear. `seed` varies the light and the clutter.
pub fn demo_scene(seed: u64, rectified: bool) -> Result<Photo, PhotoError> {
    let (w, h) = (800u32, 600u32);
    let tone = u8::try_from(seed % 40).unwrap_or(0);
    let clutter = 2 + (seed % 4) as u32;
    let picture = image::RgbImage::from_fn(w, h, |x, y| {
        let floor = y > h * 2 / 3;
        let mut px = if floor {
            image::Rgb([150 - tone, 140 - tone / 2, 120])
        } else {
            let shade = u8::try_from(y * 40 / h).unwrap_or(0);
            image::Rgb([225 - shade - tone / 2, 222 - shade, 210 - shade])
        };
        // The exit sign over the door.
        if (560..700).contains(&x) && (90..150).contains(&y) {
            px = image::Rgb([20, 150, 70]);
        }
        // The door.
        if (570..690).contains(&x) && (170..400).contains(&y) {
            px = image::Rgb([110, 80, 55]);
        }
        if !rectified {
            // Boxes stacked in front of the door.
            for b in 0..clutter {
                let left = 420 + b * 70;
                let top = 330 - (b % 2) * 60;
                if (left..left + 90).contains(&x) && (top..top + 120).contains(&y) {
                    px = image::Rgb([205, 140 - u8::try_from(b * 12).unwrap_or(0), 60]);
                }
            }
            // A red warning mark drawn on the photo by the inspector.
            let (dx, dy) = (i64::from(x) - 520, i64::from(y) - 360);
            let r2 = dx * dx + dy * dy;
            if (150 * 150..160 * 160).contains(&r2) {
                px = image::Rgb([220, 30, 30]);
            }
        }
        px
    });
    let mut png = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(picture)
        .write_to(&mut png, ImageFormat::Png)
        .map_err(|e| PhotoError::Encoding(e.to_string()))?;
    process(png.get_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::new_rgb8(w, h);
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn photos_come_out_as_plain_jpeg() {
        let mut with_tail = png(40, 30);
        with_tail.extend_from_slice(b"<script>alert(1)</script>");
        let p = process(&with_tail).unwrap();
        assert!(p.jpeg.starts_with(&[0xFF, 0xD8]));
        assert_eq!((p.width, p.height), (40, 30));
        assert!(
            !p.jpeg.windows(8).any(|w| w == b"<script>"),
            "nothing after the picture survives"
        );
    }

    #[test]
    fn the_demo_draws_its_scenes_as_photos() {
        let before = demo_scene(7, false).unwrap();
        let after = demo_scene(7, true).unwrap();
        assert_eq!((before.width, before.height), (800, 600));
        assert!(before.jpeg.starts_with(&[0xFF, 0xD8]));
        assert_ne!(
            before.jpeg, after.jpeg,
            "the way is cleared after rectification"
        );
    }

    #[test]
    fn large_photos_are_scaled_down() {
        let p = process(&png(4000, 1000)).unwrap();
        assert_eq!((p.width, p.height), (2048, 512));
        let thumb = image::load_from_memory(&p.thumbnail).unwrap();
        assert_eq!(thumb.width(), THUMB_SIDE);
    }

    /// A PNG that says it is `w`×`h` at 16 bits a channel, with no picture data behind it.
    fn png_header_only(w: u32, h: u32) -> Vec<u8> {
        fn crc32(bytes: &[u8]) -> u32 {
            let mut crc = !0u32;
            for b in bytes {
                crc ^= u32::from(*b);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            let mut body = kind.to_vec();
            body.extend_from_slice(data);
            c.extend_from_slice(&body);
            c.extend_from_slice(&crc32(&body).to_be_bytes());
            c
        };
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[16, 2, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(b"IDAT", &[]));
        png.extend(chunk(b"IEND", &[]));
        png
    }

    #[test]
    fn pictures_too_big_to_decode_are_refused_before_decoding() {
        // 49 megapixels at 16 bits a channel decode to 294 MB: over the bound, though under
        // the pixel count.
        assert!(matches!(
            process(&png_header_only(7000, 7000)),
            Err(PhotoError::TooManyPixels)
        ));
        assert!(matches!(
            process(&png_header_only(10_000, 6_000)),
            Err(PhotoError::TooManyPixels)
        ));
    }

    #[test]
    fn other_things_are_refused() {
        assert!(matches!(
            process(b"%PDF-1.4 ..."),
            Err(PhotoError::NotAPicture)
        ));
        assert!(matches!(
            process(b"GIF89a...."),
            Err(PhotoError::NotAPicture)
        ));
        assert!(matches!(
            process(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Err(PhotoError::NotAPicture)
        ));
    }
}
