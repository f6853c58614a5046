#!/usr/bin/python3
"""A misbehaving SSH agent for tests/e2e/e2e_agent.sh.

usage: fake_agent.py SOCKET KEY.pub MODE

Listens on the Unix socket SOCKET (and creates SOCKET.ready once it
listens), serves one connection and exits. It lists the ssh-ed25519 key of
KEY.pub (unless MODE says otherwise) and answers a signature request as
MODE says, never with a good signature: a real ssh-agent is the honest one.
The request it got is written to SOCKET.req: its key blob, data and flags,
so the test can check what agreesign asked.

MODE: close      close the connection once the request is read
      refuse     SSH_AGENT_FAILURE
      malformed  a sign response cut short inside its string
      oversized  a reply announced as 1 MiB (a few bytes follow)
      trailing   a well-formed Ed25519 signature blob plus one byte
      rsa        an rsa-sha2-512 signature
      wrongkey   a valid signature by another Ed25519 key
      wrongsig   64 random bytes as the signature
      unlisted   an empty list of keys
      badlist    a list that announces more keys than it holds
"""
import base64, os, socket, struct, sys
import nacl.signing


def s(b):
    return struct.pack(">I", len(b)) + b


def read_exact(c, n):
    got = b""
    while len(got) < n:
        part = c.recv(n - len(got))
        if not part:
            raise EOFError
        got += part
    return got


def read_msg(c):
    (n,) = struct.unpack(">I", read_exact(c, 4))
    return read_exact(c, n)


def send_msg(c, body):
    c.sendall(s(body))


def take_string(b, i):
    (n,) = struct.unpack(">I", b[i:i + 4])
    return b[i + 4:i + 4 + n], i + 4 + n


def sign_reply(mode, data):
    ed = lambda sig: s(s(b"ssh-ed25519") + s(sig))
    if mode == "refuse":
        return b"\x05"
    if mode == "malformed":
        return b"\x0e" + struct.pack(">I", 100) + b"short"
    if mode == "trailing":
        return b"\x0e" + ed(os.urandom(64)) + b"\x00"
    if mode == "rsa":
        return b"\x0e" + s(s(b"rsa-sha2-512") + s(os.urandom(256)))
    if mode == "wrongkey":
        return b"\x0e" + ed(nacl.signing.SigningKey.generate().sign(data).signature)
    if mode == "wrongsig":
        return b"\x0e" + ed(os.urandom(64))
    raise SystemExit("fake_agent: unknown mode " + mode)


def serve(c, blob, mode, path):
    while True:
        msg = read_msg(c)
        if msg[0] == 11:
            if mode == "unlisted":
                send_msg(c, b"\x0c" + struct.pack(">I", 0))
            elif mode == "badlist":
                send_msg(c, b"\x0c" + struct.pack(">I", 3) + s(blob) + s(b"one"))
            else:
                send_msg(c, b"\x0c" + struct.pack(">I", 1) + s(blob) + s(b"fake"))
            continue
        if msg[0] != 13:
            send_msg(c, b"\x05")
            continue
        key, i = take_string(msg, 1)
        data, i = take_string(msg, i)
        with open(path + ".req", "wb") as f:
            f.write(s(key) + s(data) + msg[i:])
        if mode == "close":
            return
        if mode == "oversized":
            c.sendall(struct.pack(">I", 1 << 20) + b"\x0e" * 64)
            return
        send_msg(c, sign_reply(mode, data))
        return


def main():
    path, pub, mode = sys.argv[1:4]
    blob = base64.b64decode(open(pub).read().split()[1])
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    open(path + ".ready", "w").close()
    srv.settimeout(30)
    c, _ = srv.accept()
    c.settimeout(30)
    try:
        serve(c, blob, mode, path)
    except (EOFError, OSError):
        pass
    c.close()
    srv.close()


if __name__ == "__main__":
    main()
