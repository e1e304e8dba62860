# twelve in a container: `docker build -t twelve .`, then
#   docker run --rm -v "$PWD:/src:ro" twelve            (checks the repository mounted at /src)
#   docker run --rm -v "$PWD:/src:ro" twelve score
# The build stage compiles the release binary (tree-sitter's C grammars need the C compiler the
# rust image carries); the runtime stage is a slim Debian with the binary alone, run as an
# unprivileged user.
FROM rust:1.90-slim-bookworm AS build
WORKDIR /build
COPY Cargo.toml Cargo.lock build.rs askama.toml ./
COPY src src
COPY rules rules
RUN cargo build --release --locked \
    && install -m 0755 target/release/twelve /usr/local/bin/twelve

FROM debian:bookworm-slim
COPY --from=build /usr/local/bin/twelve /usr/local/bin/twelve
RUN useradd --system --uid 10001 --no-create-home twelve
USER 10001
# the repository is mounted here, read-only; the facts cache goes to a writable place
ENV TWELVE_CACHE_DIR=/tmp/twelve-cache
WORKDIR /src
ENTRYPOINT ["twelve"]
CMD ["check", "."]
