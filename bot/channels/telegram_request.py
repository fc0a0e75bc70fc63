"""PTB's HTTP layer on aiohttp instead of httpx: the same `Bot`, a cheaper client underneath.

The bot already runs on aiohttp; PTB's default HTTPXRequest adds a second HTTP stack whose request path
cost about as much CPU per reply as the whole NLU (bench/load, py-spy). PTB documents `BaseRequest` as
the place to swap the client: `Bot` still builds every request, parses every answer and raises its own
errors (RetryAfter, Forbidden, ...); this class only moves bytes and maps transport failures to PTB's
TimedOut and NetworkError, as HTTPXRequest does.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        connection_pool_size: int = 32,
        read_timeout: float | None = 15.0,
        write_timeout: float | None = 15.0,
        connect_timeout: float | None = 10.0,
        pool_timeout: float | None = 10.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        write = self._write if isinstance(write_timeout, DefaultValue) else write_timeout  # unused, see below
        connect = self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # aiohttp has no write timeout (Bot API request bodies are small; the socket's send buffer takes
        # them); its "connect" includes waiting for a free pooled connection, hence pool + connect
        del write
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            if request_data is not None and not request_data.contains_files:
                # the Bot API takes application/json; one json.dumps of the whole request is cheaper
                # than form-encoding each field after PTB has JSON-encoded it (bench/load, py-spy)
                sending = self._session.request(method, url, json=request_data.parameters, timeout=timeout)
            else:
                sending = self._session.request(method, url, data=_form(request_data), timeout=timeout)
            async with sending as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def _form(request_data: RequestData | None) -> aiohttp.FormData | None:
    """Multipart form fields as PTB builds them (values JSON-encoded), with the attached files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
