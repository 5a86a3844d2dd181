#!/usr/bin/python3
"""Make TorchSharp's libLibTorchSharp.so load on a system libstdc++ older than the one it was linked against.

TorchSharp 0.107.0 was built with GCC 13 and so records a need for GLIBCXX_3.4.32, which Debian 12's
libstdc++ (GCC 12, up to 3.4.30) lacks; the loader then refuses the whole library. The only symbol under
that version is std::ios_base_library_init(), an anchor that GCC 13's <iostream> references so the link
pulls in stream initialisation; no relocation binds it, so it is never resolved at run time.

This script marks such version needs WEAK (VER_FLG_WEAK in .gnu.version_r), which glibc's loader then
tolerates. It refuses to patch when any relocation refers to a symbol of a missing version (that symbol
would really be called) and does nothing when the system libstdc++ already has every version.

usage: weaken_glibcxx.py IN_SO OUT_SO [SYSTEM_LIBSTDCXX]
"""
import struct
import sys

VER_FLG_WEAK = 0x2


def sections(data):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    raw = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + k * shentsize) for k in range(shnum)]
    strtab_off = raw[shstrndx][4]

    def name(off):
        end = data.index(b"\0", strtab_off + off)
        return data[strtab_off + off:end].decode()

    return [dict(name=name(s[0]), type=s[1], offset=s[4], size=s[5], link=s[6], info=s[7], entsize=s[9])
            for s in raw]


def cstr(data, off):
    return data[off:data.index(b"\0", off)].decode()


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    src, dst = argv[1], argv[2]
    system = argv[3] if len(argv) > 3 else "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"
    data = bytearray(open(src, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit(f"{src}: not a little-endian ELF64 file")
    have = open(system, "rb").read()
    secs = sections(data)
    by_name = {s["name"]: s for s in secs}
    verneed = by_name.get(".gnu.version_r")
    if verneed is None:
        sys.exit(f"{src}: no .gnu.version_r section")
    dynstr_off = secs[verneed["link"]]["offset"]

    missing = {}  # version index -> (name, offset of its Vernaux)
    off = verneed["offset"]
    for _ in range(verneed["info"]):
        vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, off)
        aux = off + vn_aux
        for _ in range(vn_cnt):
            vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
            name = cstr(data, dynstr_off + vna_name)
            if name.startswith(("GLIBCXX_", "CXXABI_")) and (name.encode() + b"\0") not in have:
                missing[vna_other] = (name, aux)
            aux += vna_next
        if vn_next == 0:
            break
        off += vn_next

    if missing:
        # Refuse if any relocation binds a symbol whose version is missing: it would really be called.
        dynsym, versym = by_name[".dynsym"], by_name[".gnu.version"]
        nsym = dynsym["size"] // 24
        sym_version = struct.unpack_from(f"<{nsym}H", data, versym["offset"])
        for s in secs:
            if s["type"] != 4:  # SHT_RELA
                continue
            for k in range(s["size"] // 24):
                _, info, _ = struct.unpack_from("<QQq", data, s["offset"] + k * 24)
                sym = info >> 32
                if sym and (sym_version[sym] & 0x7FFF) in missing:
                    name_off, = struct.unpack_from("<I", data, dynsym["offset"] + sym * 24)
                    sys.exit(f"{src}: relocation in {s['name']} binds {cstr(data, dynstr_off + name_off)} "
                             f"@{missing[sym_version[sym] & 0x7FFF][0]}, which {system} lacks; not patching")
        for version, (name, aux) in sorted(missing.items()):
            flags, = struct.unpack_from("<H", data, aux + 4)
            struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
            print(f"weakened {name} (not in {system})")
    else:
        print("system libstdc++ has every version needed; copied unchanged")
    tmp = dst + ".tmp"
    open(tmp, "wb").write(data)
    import os
    os.chmod(tmp, 0o755)
    os.replace(tmp, dst)


if __name__ == "__main__":
    main(sys.argv)
