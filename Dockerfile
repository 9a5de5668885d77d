# Multi-stage build: compile in the Rust image, run as a non-root user in a slim Debian image.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin football-predictor

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/football-predictor --create-home app
COPY --from=build /src/target/release/football-predictor /usr/local/bin/football-predictor
USER app
WORKDIR /var/lib/football-predictor
ENV BIND=0.0.0.0:8000 LOG_FORMAT=json
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8000/livez || exit 1
ENTRYPOINT ["football-predictor"]
CMD ["serve"]
