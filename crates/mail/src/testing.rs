//! A small SMTP server for tests (feature `testing`): it speaks enough of RFC 5321 for a
//! client (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, and STARTTLS when asked to), keeps every
//! message it accepted, can be stopped and started again on the same port, and can speak TLS
//! from the start (like `smtps`) or after STARTTLS with a self-signed certificate for
//! `localhost` whose PEM the client is given to trust.

// Test support: a failure to listen ends the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// How the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    Plain,
    /// TLS from the first byte.
    Implicit,
    /// Plain until the client says STARTTLS.
    StartTls,
}

pub struct SmtpServer {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<String>>>,
    security: Security,
    tls: Option<(TlsAcceptor, String)>,
    task: Option<tokio::task::JoinHandle<()>>,
}

fn acceptor() -> (TlsAcceptor, String) {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let pem = cert.cert.pem();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .unwrap();
    (TlsAcceptor::from(Arc::new(config)), pem)
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        SmtpServer::start_with(Security::Plain).await
    }

    pub async fn start_with(security: Security) -> SmtpServer {
        let mut server = SmtpServer {
            addr: "127.0.0.1:0".parse().unwrap(),
            received: Arc::default(),
            security,
            tls: (security != Security::Plain).then(acceptor),
            task: None,
        };
        server.listen().await;
        server
    }

    /// The certificate (PEM) a client must trust.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_ref().map(|t| t.1.as_str())
    }

    async fn listen(&mut self) {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_reuseaddr(true).unwrap();
        socket.bind(self.addr).unwrap();
        let listener: TcpListener = socket.listen(64).unwrap();
        self.addr = listener.local_addr().unwrap();
        let received = self.received.clone();
        let security = self.security;
        let tls = self.tls.as_ref().map(|t| t.0.clone());
        self.task = Some(tokio::spawn(async move {
            let mut sessions = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                sessions.spawn(session(stream, security, tls.clone(), received.clone()));
            }
        }));
    }

    /// Stops listening and drops every open connection (as a crashed server would).
    pub async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port.
    pub async fn restart(&mut self) {
        self.listen().await;
    }

    pub fn messages(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }

    /// The URL a client uses: `smtp://127.0.0.1:PORT` in plain text, with TLS the name on the
    /// certificate (`localhost`) and the mode.
    pub fn url(&self) -> String {
        let port = self.addr.port();
        match self.security {
            Security::Plain => format!("smtp://{}", self.addr),
            Security::Implicit => format!("smtps://localhost:{port}"),
            Security::StartTls => format!("smtp://localhost:{port}?tls=required"),
        }
    }
}

async fn session(
    stream: TcpStream,
    security: Security,
    tls: Option<TlsAcceptor>,
    received: Arc<Mutex<Vec<String>>>,
) {
    match (security, tls) {
        (Security::Implicit, Some(tls)) => {
            if let Ok(s) = tls.accept(stream).await {
                conversation(s, false, true, received).await;
            }
        }
        (Security::StartTls, Some(tls)) => {
            if let Some(stream) = conversation(stream, true, true, received.clone()).await
                && let Ok(s) = tls.accept(stream).await
            {
                conversation(s, false, false, received).await;
            }
        }
        _ => {
            conversation(stream, false, true, received).await;
        }
    }
}

/// Speaks SMTP on `stream`; the stream back when the client asked for STARTTLS (offered with
/// `offer_starttls`).
async fn conversation<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    offer_starttls: bool,
    greet: bool,
    received: Arc<Mutex<Vec<String>>>,
) -> Option<S> {
    let (read, mut write) = tokio::io::split(stream);
    let mut lines = BufReader::new(read).lines();
    if greet && write.write_all(b"220 test ESMTP\r\n").await.is_err() {
        return None;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" if offer_starttls => b"250-test\r\n250-STARTTLS\r\n250 8BITMIME\r\n",
            "EHLO" | "HELO" => b"250-test\r\n250 8BITMIME\r\n",
            "STARTTLS" if offer_starttls => {
                write.write_all(b"220 go ahead\r\n").await.ok()?;
                write.flush().await.ok()?;
                return Some(lines.into_inner().into_inner().unsplit(write));
            }
            "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 ok\r\n",
            "DATA" => {
                write.write_all(b"354 go ahead\r\n").await.ok()?;
                let mut message = String::new();
                while let Ok(Some(l)) = lines.next_line().await {
                    if l == "." {
                        break;
                    }
                    message.push_str(&l);
                    message.push('\n');
                }
                received.lock().unwrap().push(message);
                b"250 queued\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 bye\r\n").await;
                let _ = write.shutdown().await;
                return None;
            }
            _ => b"502 not implemented\r\n",
        };
        write.write_all(reply).await.ok()?;
    }
    None
}
