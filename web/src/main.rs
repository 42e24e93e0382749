//! The browser entry point.

fn main() {
    ebw_web::start();
}
