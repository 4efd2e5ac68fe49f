"""The sandbox's mail server: a minimal IMAP4rev1 server (what IMAPClient uses to poll a mailbox)
and a minimal SMTP server (what Django's SMTP backend uses to send replies), on 127.0.0.1.

Mail delivered to an address (``deliver``, or ``World.deliver_mail`` from the scenario) lands in
that address's INBOX with increasing UIDs under a fixed UIDVALIDITY. Any address logs in with the
password ``sandbox``. What our SMTP client sends is the buyers' inbox: ``world.sent_mail``.
Every server thread takes the server's lock for mailbox state; nothing here knows our models.
"""

from __future__ import annotations

import logging
import re
import socketserver
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

logger = logging.getLogger("integrations.sandbox.mail")

PASSWORD = "sandbox"
UIDVALIDITY = 1_700_000_000
MAX_LINE = 64 * 1024
MAX_MESSAGE = 64 * 1024 * 1024


def credentials(address: str) -> dict[str, str]:
    """What a MailboxConnection to ``address`` on the sandbox presents."""
    return {"password": PASSWORD}


@dataclass
class StoredMail:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)
    internaldate: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class MailFolder:
    uidvalidity: int = UIDVALIDITY
    next_uid: int = 1
    messages: list[StoredMail] = field(default_factory=list)


class MailServer:
    """IMAP + SMTP for the sandbox world. ``start()`` binds (port 0: any free port), ``stop()`` closes."""

    def __init__(self, world: Any, host: str = "127.0.0.1", imap_port: int = 0, smtp_port: int = 0) -> None:
        self.world = world
        self.host = host
        self._ports = (imap_port, smtp_port)
        self.lock = threading.RLock()
        self.folders: dict[str, MailFolder] = {}
        self.received: list[tuple[str, list[str], bytes]] = []  # SMTP envelopes: (from, to, data)
        self._servers: list[socketserver.ThreadingTCPServer] = []
        self._threads: list[threading.Thread] = []
        world.mail = self

    credentials = staticmethod(credentials)

    # --- state -------------------------------------------------------------------------------
    def folder(self, address: str) -> MailFolder:
        with self.lock:
            return self.folders.setdefault(address.strip().lower(), MailFolder())

    def deliver(self, to_address: str, raw: bytes) -> int:
        """Append ``raw`` to the address's INBOX; return its UID."""
        with self.lock:
            folder = self.folder(to_address)
            uid = folder.next_uid
            folder.next_uid += 1
            folder.messages.append(StoredMail(uid=uid, raw=bytes(raw)))
            return uid

    def renumber(self, address: str, uidvalidity: int) -> None:
        """What a server does when it rebuilds a folder: a new UIDVALIDITY, UIDs from 1 again."""
        with self.lock:
            folder = self.folder(address)
            folder.uidvalidity = uidvalidity
            for index, mail in enumerate(folder.messages, start=1):
                mail.uid = index
            folder.next_uid = len(folder.messages) + 1

    # --- lifecycle ---------------------------------------------------------------------------
    @property
    def imap_port(self) -> int:
        return self._servers[0].server_address[1] if self._servers else self._ports[0]

    @property
    def smtp_port(self) -> int:
        return self._servers[1].server_address[1] if self._servers else self._ports[1]

    def start(self) -> MailServer:
        for port, handler in zip(self._ports, (_ImapHandler, _SmtpHandler), strict=True):
            server = _Server((self.host, port), handler)
            server.mail = self
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"sandbox-{handler.__name__}",
                daemon=True,
            )
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._ports = (self.imap_port, self.smtp_port)
        self._servers, self._threads = [], []


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    mail: MailServer


# --- IMAP --------------------------------------------------------------------------------------


class _Bad(Exception):
    """A command we cannot parse or do not support: answered BAD."""


def _tokens(line: bytes) -> list[Any]:
    """Atoms, quoted strings and parenthesized lists (nested lists) of one command line."""
    stack: list[list[Any]] = [[]]
    pos = 0
    while pos < len(line):
        if line[pos : pos + 1].isspace():
            pos += 1
            continue
        char = line[pos : pos + 1]
        if char == b"(":
            stack.append([])
            pos += 1
        elif char == b")":
            if len(stack) == 1:
                raise _Bad("unbalanced )")
            done = stack.pop()
            stack[-1].append(done)
            pos += 1
        elif char == b'"':
            end = pos + 1
            out = bytearray()
            while end < len(line) and line[end : end + 1] != b'"':
                if line[end : end + 1] == b"\\":
                    end += 1
                out += line[end : end + 1]
                end += 1
            stack[-1].append(bytes(out).decode("utf-8", "replace"))
            pos = end + 1
        else:
            match = re.compile(rb"[^\s()]+").match(line, pos)
            # BODY.PEEK[] / BODY[HEADER.FIELDS (A B)]: keep brackets with their atom
            end = match.end()
            if b"[" in match.group(0) and b"]" not in match.group(0):
                end = line.index(b"]", pos) + 1
                more = re.compile(rb"[^\s()]*").match(line, end)
                end = more.end()
            stack[-1].append(line[pos:end].decode("utf-8", "replace"))
            pos = end
    if len(stack) != 1:
        raise _Bad("unbalanced (")
    return stack[0]


def _sequence(text: str, largest: int) -> set[int] | None:
    """The numbers of an IMAP sequence set (``1:5,7,9:*``); ``*`` is ``largest``. None: not a set."""
    out: set[int] = set()
    for piece in text.split(","):
        bounds = piece.split(":")
        if len(bounds) > 2 or not all(b == "*" or b.isdigit() for b in bounds):
            return None
        values = [largest if b == "*" else int(b) for b in bounds]
        low, high = min(values), max(values)
        if high - low > 10_000_000:
            raise _Bad("range too large")
        out.update(range(low, high + 1))
    return out


def _quote(text: str) -> bytes:
    return b'"' + text.replace("\\", "\\\\").replace('"', '\\"').encode() + b'"'


class _ImapHandler(socketserver.StreamRequestHandler):
    disable_nagle_algorithm = True  # many small writes per answer: no 40 ms delayed-ACK stalls
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.user: str | None = None
        self.selected: MailFolder | None = None
        self.readonly = True

    def send(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def read_command(self) -> bytes | None:
        """One command line, with any client literals (``{n}``) read in place."""
        line = self.rfile.readline(MAX_LINE)
        if not line:
            return None
        out = bytearray()
        while True:
            line = line.rstrip(b"\r\n")
            match = re.search(rb"\{(\d+)(\+?)\}$", line)
            if not match:
                out += line
                return bytes(out)
            size = int(match.group(1))
            out += line[: match.start()]
            if not match.group(2):
                self.send(b"+ Ready for literal data\r\n")
            literal = self.rfile.read(size)
            out += _quote(literal.decode("utf-8", "replace"))
            line = self.rfile.readline(MAX_LINE)

    def handle(self) -> None:
        self.send(b"* OK [CAPABILITY IMAP4rev1 ID ENABLE LITERAL+] Sandbox IMAP ready\r\n")
        while True:
            try:
                line = self.read_command()
            except (ConnectionError, OSError):
                return
            if line is None:
                return
            if not line.strip():
                continue
            tag, _, rest = line.partition(b" ")
            tag_text = tag.decode("ascii", "replace")
            try:
                words = _tokens(rest)
                if not words or not isinstance(words[0], str):
                    raise _Bad("no command")
                command = words[0].upper()
                args = words[1:]
                if command == "UID":
                    if not args or not isinstance(args[0], str):
                        raise _Bad("UID needs a command")
                    answer = self.dispatch(args[0].upper(), args[1:], uid=True)
                else:
                    answer = self.dispatch(command, args, uid=False)
                if answer == "LOGOUT":
                    self.send(b"* BYE Sandbox IMAP logging out\r\n" + tag + b" OK LOGOUT completed\r\n")
                    return
                self.send(tag + b" " + answer.encode() + b"\r\n")
            except _Bad as error:
                self.send(tag + b" BAD " + str(error).encode() + b"\r\n")
            except (ConnectionError, OSError):
                return
            except Exception as error:  # a sandbox bug: say so instead of hanging the client
                logger.exception("sandbox IMAP error on %r", line)
                self.send(tag_text.encode() + b" BAD internal error: " + str(error).encode()[:200] + b"\r\n")

    # Each returns the tagged answer's text ("OK ...", "NO ...") after writing untagged lines.
    def dispatch(self, command: str, args: list[Any], *, uid: bool) -> str:
        if command == "CAPABILITY":
            self.send(b"* CAPABILITY IMAP4rev1 ID ENABLE LITERAL+\r\n")
            return "OK CAPABILITY completed"
        if command == "NOOP" or command == "CHECK":
            return f"OK {command} completed"
        if command == "LOGOUT":
            return "LOGOUT"
        if command == "ID":
            self.send(b'* ID ("name" "aftersales-sandbox")\r\n')
            return "OK ID completed"
        if command == "ENABLE":
            self.send(b"* ENABLED\r\n")
            return "OK ENABLE completed"
        if command == "LOGIN":
            if len(args) != 2:
                raise _Bad("LOGIN user password")
            user, password = str(args[0]), str(args[1])
            if password != PASSWORD or "@" not in user:
                return "NO [AUTHENTICATIONFAILED] Invalid credentials"
            self.user = user.strip().lower()
            return "OK [CAPABILITY IMAP4rev1 ID ENABLE LITERAL+] LOGIN completed"
        if self.user is None:
            return "NO Log in first"
        if command in ("SELECT", "EXAMINE"):
            return self.select(args, readonly=command == "EXAMINE")
        if command in ("CLOSE", "UNSELECT"):
            self.selected = None
            return f"OK {command} completed"
        if command == "LIST" or command == "LSUB":
            self.send(b'* LIST (\\HasNoChildren) "/" "INBOX"\r\n')
            return f"OK {command} completed"
        if self.selected is None:
            return "NO Select a folder first"
        if command == "SEARCH":
            return self.search(args, uid=uid)
        if command == "FETCH":
            return self.fetch(args, uid=uid)
        raise _Bad(f"unsupported command {command}")

    def select(self, args: list[Any], *, readonly: bool) -> str:
        if len(args) != 1 or str(args[0]).upper() != "INBOX":
            return "NO [NONEXISTENT] No such folder"
        mail = self.server.mail
        with mail.lock:
            folder = mail.folder(self.user or "")
            self.selected, self.readonly = folder, readonly
            lines = [
                b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
                b"* OK [PERMANENTFLAGS ()] No permanent flags in the sandbox",
                f"* {len(folder.messages)} EXISTS".encode(),
                b"* 0 RECENT",
                f"* OK [UIDVALIDITY {folder.uidvalidity}] UIDs valid".encode(),
                f"* OK [UIDNEXT {folder.next_uid}] Predicted next UID".encode(),
            ]
        self.send(b"\r\n".join(lines) + b"\r\n")
        return f"OK [{'READ-ONLY' if readonly else 'READ-WRITE'}] {'EXAMINE' if readonly else 'SELECT'} completed"

    def _matching(self, spec: str, *, uid: bool) -> list[tuple[int, StoredMail]]:
        """(sequence number, message) of what a set names, by UID or by sequence number."""
        assert self.selected is not None
        messages = self.selected.messages
        if uid:
            largest = messages[-1].uid if messages else 0
            wanted = _sequence(spec, largest)
            if wanted is None:
                raise _Bad(f"bad UID set {spec}")
            return [(i, m) for i, m in enumerate(messages, start=1) if m.uid in wanted]
        wanted = _sequence(spec, len(messages))
        if wanted is None:
            raise _Bad(f"bad sequence set {spec}")
        return [(i, m) for i, m in enumerate(messages, start=1) if i in wanted]

    def search(self, args: list[Any], *, uid: bool) -> str:
        mail = self.server.mail
        criteria = [str(a) for a in args]
        if criteria and criteria[0].upper() == "CHARSET":
            criteria = criteria[2:]
        with mail.lock:
            assert self.selected is not None
            found = {id(m): (i, m) for i, m in enumerate(self.selected.messages, start=1)}
            index = 0
            while index < len(criteria):
                key = criteria[index].upper()
                if key == "ALL":
                    index += 1
                    continue
                if key == "UID" and index + 1 < len(criteria):
                    keep = {id(m) for _i, m in self._matching(criteria[index + 1], uid=True)}
                    index += 2
                elif _sequence(criteria[index], len(self.selected.messages)) is not None:
                    keep = {id(m) for _i, m in self._matching(criteria[index], uid=False)}
                    index += 1
                else:
                    raise _Bad(f"unsupported search key {key}")
                found = {k: v for k, v in found.items() if k in keep}
            numbers = sorted(m.uid if uid else i for i, m in found.values())
        self.send(("* SEARCH" + "".join(f" {n}" for n in numbers) + "\r\n").encode())
        return f"OK {'UID ' if uid else ''}SEARCH completed"

    def fetch(self, args: list[Any], *, uid: bool) -> str:
        if len(args) != 2:
            raise _Bad("FETCH set items")
        spec, items = str(args[0]), args[1]
        items = [str(i).upper() for i in (items if isinstance(items, list) else [items])]
        macros = {
            "ALL": ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
            "FAST": ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
            "FULL": ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
        }
        expanded: list[str] = []
        for item in items:
            expanded.extend(macros.get(item, [item]))
        if uid and "UID" not in expanded:
            expanded.insert(0, "UID")
        mail = self.server.mail
        with mail.lock:
            for number, message in self._matching(spec, uid=uid):
                parts: list[bytes] = []
                for item in expanded:
                    parts.append(self._item(item, message))
                self.send(f"* {number} FETCH (".encode() + b" ".join(parts) + b")\r\n")
        return f"OK {'UID ' if uid else ''}FETCH completed"

    def _item(self, item: str, message: StoredMail) -> bytes:
        if item == "UID":
            return f"UID {message.uid}".encode()
        if item == "RFC822.SIZE":
            return f"RFC822.SIZE {len(message.raw)}".encode()
        if item == "FLAGS":
            return ("FLAGS (" + " ".join(sorted(message.flags)) + ")").encode()
        if item == "INTERNALDATE":
            return b"INTERNALDATE " + _quote(message.internaldate.strftime("%d-%b-%Y %H:%M:%S +0000"))
        if item in ("BODY.PEEK[]", "BODY[]", "RFC822"):
            if item != "BODY.PEEK[]" and not self.readonly:
                message.flags.add("\\Seen")  # reading a body sets \Seen, unless peeked or read-only
            name = b"RFC822" if item == "RFC822" else b"BODY[]"
            return name + b" {" + str(len(message.raw)).encode() + b"}\r\n" + message.raw
        raise _Bad(f"unsupported fetch item {item}")


# --- SMTP --------------------------------------------------------------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    disable_nagle_algorithm = True
    server: _Server

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 sandbox.test ESMTP Sandbox ready")
        sender: str | None = None
        recipients: list[str] = []
        while True:
            try:
                line = self.rfile.readline(MAX_LINE)
            except (ConnectionError, OSError):
                return
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = text[:4].upper()
            if verb in ("HELO", "EHLO"):
                sender, recipients = None, []
                if verb == "EHLO":
                    self.reply(f"250-sandbox.test greets {text[5:].strip() or 'you'}")
                    self.reply("250-8BITMIME")
                    self.reply("250-SMTPUTF8")
                    self.reply(f"250 SIZE {MAX_MESSAGE}")
                else:
                    self.reply("250 sandbox.test")
            elif text.upper().startswith("MAIL FROM:"):
                sender = _path(text[10:])
                recipients = []
                self.reply("250 2.1.0 OK")
            elif text.upper().startswith("RCPT TO:"):
                if sender is None:
                    self.reply("503 5.5.1 MAIL first")
                    continue
                recipients.append(_path(text[8:]))
                self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                if sender is None or not recipients:
                    self.reply("503 5.5.1 MAIL and RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self.read_data()
                if data is None:
                    return
                self.server.mail.received.append((sender, list(recipients), data))
                self.server.mail.world.sent_mail.append(data)
                sender, recipients = None, []
                self.reply("250 2.0.0 OK queued")
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 2.0.0 OK")
            elif verb == "NOOP":
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not implemented")

    def read_data(self) -> bytes | None:
        lines: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return None
            if line.rstrip(b"\r\n") == b".":
                return b"".join(lines)
            if line.startswith(b".."):
                line = line[1:]  # dot-unstuffing (RFC 5321 §4.5.2)
            size += len(line)
            if size <= MAX_MESSAGE:
                lines.append(line)


def _path(text: str) -> str:
    """The address of ``<addr> PARAM=…`` (``<>`` is the null sender)."""
    text = text.strip()
    if text.startswith("<"):
        return text[1 : text.find(">")] if ">" in text else text[1:]
    return text.split(" ", 1)[0]
