import { open } from "node:fs/promises";

// Reading a file that someone else may be saving without an atomic rename (most editors,
// `echo > config.yaml`, fs.writeFile): the writer truncates first and writes after, so a read
// in between sees an empty or short file. Taking that as the config would lose it (a management
// edit would write back only its own change). An empty read, or a file whose size moved while
// it was read, is read again after a short pause; after a few tries the text is believed.

export interface SettledReadOptions {
  attempts?: number;
  pauseMs?: number;
}

/** The file's text once it looks settled. Errors (ENOENT included) are thrown as readFile's are. */
export async function readSettledText(
  path: string,
  { attempts = 5, pauseMs = 40 }: SettledReadOptions = {},
): Promise<string> {
  let text = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const read = await readWithSize(path);
    text = read.text;
    if (read.settled && text.trim() !== "") return text;
    if (attempt < attempts) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return text;
}

async function readWithSize(path: string): Promise<{ text: string; settled: boolean }> {
  const handle = await open(path, "r");
  try {
    const bytes = await handle.readFile();
    const { size } = await handle.stat();
    return { text: bytes.toString("utf8"), settled: size === bytes.length };
  } finally {
    await handle.close();
  }
}
