//! The longest wait between two pieces of a request body (`BODY_TIMEOUT`): a body that stops
//! arriving fails with [`BodyTimedOut`], which the extractors answer with 408. The timer is
//! armed only while the body waits for data, so a body that has already arrived (most do, in
//! one piece with their head) costs no timer at all; tower-http's `RequestBodyTimeout` arms and
//! drops one on every poll.

use crate::error::BodyTimedOut;
use axum::BoxError;
use axum::body::Body;
use axum::http::Request;
use http_body::{Frame, SizeHint};
use pin_project_lite::pin_project;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

pin_project! {
    /// A request body whose next piece must come within its timeout.
    pub struct TimedBody<B> {
        timeout: Duration,
        #[pin]
        sleep: Option<Sleep>,
        #[pin]
        body: B,
    }
}

impl<B> TimedBody<B> {
    pub fn new(timeout: Duration, body: B) -> Self {
        TimedBody {
            timeout,
            sleep: None,
            body,
        }
    }
}

impl<B> http_body::Body for TimedBody<B>
where
    B: http_body::Body,
    B::Error: Into<BoxError>,
{
    type Data = B::Data;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let mut this = self.project();
        if let Poll::Ready(frame) = this.body.poll_frame(cx) {
            // The wait for the next piece starts again.
            this.sleep.set(None);
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        if this.sleep.is_none() {
            this.sleep.set(Some(tokio::time::sleep(*this.timeout)));
        }
        match this.sleep.as_pin_mut().map(|s| s.poll(cx)) {
            Some(Poll::Ready(())) => Poll::Ready(Some(Err(Box::new(BodyTimedOut)))),
            _ => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The request with its body under `timeout`.
pub fn limit<B>(timeout: Duration) -> impl Fn(Request<B>) -> Request<Body> + Clone
where
    B: http_body::Body<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    move |req: Request<B>| req.map(|body| Body::new(TimedBody::new(timeout, body)))
}

#[cfg(test)]
mod tests {
    use super::TimedBody;
    use crate::error::BodyTimedOut;
    use axum::body::Bytes;
    use http_body_util::BodyExt;
    use std::time::Duration;

    #[tokio::test]
    async fn a_body_that_has_arrived_is_read_whole() {
        let body = TimedBody::new(
            Duration::from_millis(1),
            http_body_util::Full::new(Bytes::from("{}")),
        );
        let bytes = body.collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"{}");
    }

    /// One piece, then nothing (and no end).
    struct Stalls(Option<Bytes>);

    impl http_body::Body for Stalls {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
            match self.0.take() {
                Some(piece) => std::task::Poll::Ready(Some(Ok(http_body::Frame::data(piece)))),
                None => std::task::Poll::Pending,
            }
        }
    }

    #[tokio::test]
    async fn a_body_whose_next_piece_does_not_come_times_out() {
        let inner = Stalls(Some(Bytes::from("{")));
        let mut body = std::pin::pin!(TimedBody::new(Duration::from_millis(50), inner));
        let first = body.frame().await.unwrap().unwrap();
        assert_eq!(first.into_data().unwrap(), Bytes::from("{"));
        let err = body.frame().await.unwrap().unwrap_err();
        assert!(err.is::<BodyTimedOut>(), "{err}");
    }
}
