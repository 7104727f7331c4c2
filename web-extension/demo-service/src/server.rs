//! The accept loop: a thread per connection, one request each.

use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::http::{HttpError, Response, read_request};

/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until the process ends.
pub fn serve(listener: TcpListener, app: Arc<App>) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let app = Arc::clone(&app);
                std::thread::spawn(move || answer(stream, &app));
            }
            Err(e) => eprintln!("knik-demo-service: accept failed: {e}"),
        }
    }
}

/// Reads one request from `stream`, answers it, closes.
pub fn answer(mut stream: TcpStream, app: &App) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let response = match read_request(&mut stream) {
        Ok(request) => {
            let response = app.handle(&request);
            eprintln!(
                "knik-demo-service: {} {} -> {}",
                request.method, request.path, response.status
            );
            response
        }
        Err(HttpError::TooLarge) => Response::error(413, "DEMO_TOO_LARGE", "request too large"),
        Err(HttpError::Io(_)) => return,
        Err(e) => Response::error(400, "DEMO_BAD_REQUEST", &e.to_string()),
    };
    let _ = response.write_to(&mut stream);
}
