//! A QR code as SVG, drawn here: a share link never leaves the app to be turned into a picture.

use qrcodegen::{QrCode, QrCodeEcc};

/// `text` as an SVG QR code (medium error correction, a four-module quiet zone), or `None` if
/// it is too long for a QR code.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let border = 4;
    let size = code.size() + 2 * border;
    let mut path = String::new();
    for y in 0..code.size() {
        for x in 0..code.size() {
            if code.get_module(x, y) {
                path += &format!("M{},{}h1v1h-1z", x + border, y + border);
            }
        }
    }
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_becomes_a_square_svg() {
        let link = "http://127.0.0.1:8080/join#relay=ws%3A%2F%2F127.0.0.1%3A8080%2Fsync&r=0e9f6c2a-7d1b-4f5e-9a3c-2b8d4e6f1a0c&k=AAAAAAAAAAAAAAAAAAAAAA";
        let svg = qr_svg(link).expect("a link fits");
        let code = QrCode::encode_text(link, QrCodeEcc::Medium).unwrap();
        let size = code.size() + 8;
        assert!(svg.starts_with("<svg") && svg.contains(&format!("viewBox=\"0 0 {size} {size}\"")), "{svg}");
        // One square per dark module.
        let dark = (0..code.size())
            .flat_map(|y| (0..code.size()).map(move |x| (x, y)))
            .filter(|&(x, y)| code.get_module(x, y))
            .count();
        assert_eq!(svg.matches('z').count(), dark);
        assert_eq!(qr_svg(&"x".repeat(5000)), None);
    }
}
