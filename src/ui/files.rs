//! Files in and out of the browser: downloads, and the bytes of a chosen or dropped file.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, Url};

/// Offers `bytes` as a download named `name`.
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), String> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|e| format!("{e:?}"))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let document = leptos::prelude::document();
    let anchor: HtmlAnchorElement = document.create_element("a").map_err(|e| format!("{e:?}"))?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The click has started the download; the URL can go once the event loop moves on.
    gloo_timers::callback::Timeout::new(1_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// The bytes of a file the user chose or dropped.
pub async fn read_bytes(file: &File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer()).await.map_err(|e| format!("{e:?}"))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// `svg` (of `width` × `height` units) drawn at `scale` into PNG bytes, by the browser's own
/// renderer: an image of the SVG painted on a canvas.
pub async fn svg_to_png(svg: &str, width: f64, height: f64, scale: f64) -> Result<Vec<u8>, String> {
    use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlImageElement};
    let fail = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = Array::of1(&wasm_bindgen::JsValue::from_str(svg));
    let options = BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let image = HtmlImageElement::new().map_err(fail)?;
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        image.set_onload(Some(&resolve));
        image.set_onerror(Some(&reject));
    });
    image.set_src(&url);
    let drawn = JsFuture::from(loaded).await;
    let _ = Url::revoke_object_url(&url);
    drawn.map_err(|_| "the drawing could not be read as an image".to_string())?;
    let document = leptos::prelude::document();
    let canvas: HtmlCanvasElement = document.create_element("canvas").map_err(fail)?.unchecked_into();
    canvas.set_width((width * scale).ceil() as u32);
    canvas.set_height((height * scale).ceil() as u32);
    let context: CanvasRenderingContext2d =
        canvas.get_context("2d").map_err(fail)?.ok_or("no 2d canvas")?.unchecked_into();
    context.scale(scale, scale).map_err(fail)?;
    context.draw_image_with_html_image_element(&image, 0.0, 0.0).map_err(fail)?;
    let data_url = canvas.to_data_url_with_type("image/png").map_err(fail)?;
    let encoded = data_url.split_once(',').map(|(_, b)| b).ok_or("not a data URL")?;
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(encoded).map_err(|e| e.to_string())
}
