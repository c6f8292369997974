"""Run the fake upstream standalone: `python -m tests.fake_upstream --port 8000`."""

from __future__ import annotations

import argparse

from tests.fake_upstream.server import FakeUpstream


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake La Bonne Alternance upstream (tests only).")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-rate-limit", action="store_true", help="never answer 429")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    server = FakeUpstream(
        host=args.host,
        port=args.port,
        seed=args.seed,
        rate_limits=not args.no_rate_limit,
        verbose=args.verbose,
    )
    print(f"Fake upstream listening on {server.url} (API base {server.api_url})", flush=True)
    print("API key: test-key · faults: POST /__faults · counters: GET /__calls", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
