"""A tile server of the tests' own on 127.0.0.1: /z/x/y.png answers a PNG of its own colour
with the tile's numbers written on it, and counts what it served."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image, ImageDraw


def tile_png(z: int, x: int, y: int) -> bytes:
    colour = ((x * 53 + z * 17) % 200 + 40, (y * 71 + z * 29) % 200 + 40, (x + y) % 200 + 40)
    image = Image.new("RGB", (256, 256), colour)
    ImageDraw.Draw(image).text((20, 120), f"{z}/{x}/{y}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class TileServer:
    def __init__(self) -> None:
        self.requests: list[tuple[int, int, int]] = []
        self.user_agents: set[str] = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = self.path.strip("/").removesuffix(".png").split("/")
                try:
                    z, x, y = (int(p) for p in parts)
                except ValueError:
                    self.send_error(404)
                    return
                server.requests.append((z, x, y))
                server.user_agents.add(self.headers.get("User-Agent", ""))
                body = tile_png(z, x, y)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        self.template = f"http://127.0.0.1:{self.port}/{{z}}/{{x}}/{{y}}.png"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
