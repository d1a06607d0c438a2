package io.memspan.bpf;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one definition of a compile-cache file: magic, format version, the 32-byte key it was
 * written for, the {@link CompiledProgram}, and a SHA-256 of everything before it. Reading checks
 * all of them and every bound, so a truncated, flipped or foreign file is named, never loaded.
 */
final class CacheEntry {
  static final int MAGIC = 0x4d53_4243; // "MSBC"
  /** Bump when this format or the meaning of anything in it changes (also part of the key). */
  static final int FORMAT = 1;
  static final int KEY_BYTES = 32;
  static final int MAX_BYTES = 4 << 20;
  private static final int MAX_MAPS = 64;
  private static final int MAX_INSNS_BYTES = 1 << 20;

  private CacheEntry() {}

  static byte[] write(byte[] key, CompiledProgram p) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.write(key);
      out.writeUTF(p.license());
      out.writeInt(p.kernVersion());
      out.writeInt(p.maps().size());
      for (CompiledProgram.MapSpec m : p.maps()) {
        out.writeUTF(m.name());
        out.writeInt(m.type());
        out.writeInt(m.keySize());
        out.writeInt(m.valueSize());
        out.writeInt(m.maxEntries());
        out.writeInt(m.flags());
      }
      out.writeInt(p.functions().size());
      for (CompiledProgram.FunctionCode f : p.functions()) {
        out.writeUTF(f.name());
        out.writeInt(f.progType());
        out.writeInt(f.insns().length);
        out.write(f.insns());
        out.writeInt(f.relocations().length);
        for (int r : f.relocations()) {
          out.writeInt(r);
        }
      }
      out.flush();
      byte[] body = bytes.toByteArray();
      out.write(sha256(body, body.length));
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e); // a byte array does not fail
    }
  }

  /** Thrown with the reason an entry is not usable. */
  static final class Invalid extends Exception {
    Invalid(String why) {
      super(why);
    }
  }

  /** The program in {@code file}, if it is intact and was written for {@code key}. */
  static CompiledProgram read(byte[] file, byte[] key) throws Invalid {
    if (file.length < 8 + KEY_BYTES + 32) {
      throw new Invalid("truncated (" + file.length + " bytes)");
    }
    int bodyLength = file.length - 32;
    if (!MessageDigest.isEqual(sha256(file, bodyLength),
        Arrays.copyOfRange(file, bodyLength, file.length))) {
      throw new Invalid("checksum mismatch (corrupt or tampered)");
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(file, 0, bodyLength));
      if (in.readInt() != MAGIC) {
        throw new Invalid("not a memspan compile-cache file");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        throw new Invalid("format " + format + ", this memspan reads " + FORMAT);
      }
      byte[] stored = in.readNBytes(KEY_BYTES);
      if (!MessageDigest.isEqual(stored, key)) {
        throw new Invalid("written for another key");
      }
      String license = in.readUTF();
      int kernVersion = in.readInt();
      int nMaps = bounded(in.readInt(), MAX_MAPS, "map count");
      List<CompiledProgram.MapSpec> maps = new ArrayList<>();
      for (int i = 0; i < nMaps; i++) {
        maps.add(new CompiledProgram.MapSpec(in.readUTF(), in.readInt(), in.readInt(),
            in.readInt(), in.readInt(), in.readInt()));
      }
      int nFunctions = bounded(in.readInt(), Tracepoint.ALL.size(), "function count");
      List<CompiledProgram.FunctionCode> functions = new ArrayList<>();
      for (int i = 0; i < nFunctions; i++) {
        String name = in.readUTF();
        int type = in.readInt();
        byte[] insns = in.readNBytes(bounded(in.readInt(), MAX_INSNS_BYTES, "code size"));
        int[] relocs = new int[bounded(in.readInt(), MAX_INSNS_BYTES / 4, "relocation count")];
        for (int r = 0; r < relocs.length; r++) {
          relocs[r] = in.readInt();
        }
        functions.add(new CompiledProgram.FunctionCode(name, type, insns, relocs));
      }
      if (in.available() != 0) {
        throw new Invalid(in.available() + " bytes after the program");
      }
      CompiledProgram p = new CompiledProgram(license, kernVersion, List.copyOf(maps),
          List.copyOf(functions));
      String problem = p.inconsistency();
      if (problem != null) {
        throw new Invalid("inconsistent: " + problem);
      }
      return p;
    } catch (IOException e) {
      throw new Invalid("truncated (" + e + ")");
    }
  }

  private static int bounded(int n, int max, String what) throws Invalid {
    if (n < 0 || n > max) {
      throw new Invalid(what + " " + n + " out of bounds");
    }
    return n;
  }

  static byte[] sha256(byte[] data, int length) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(data, 0, length);
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
