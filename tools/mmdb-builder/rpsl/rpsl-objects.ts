/**
 * RPSL objects as the registries publish them in their bulk dumps (RFC 2622 §2 and the RIPE Database
 * documentation): blank lines separate objects; `%` and `#` lines are comments; an attribute is
 * `name: value`; a line starting with a space, a tab or `+` continues the previous attribute's value;
 * `#` starts an end-of-line remark. Attributes may repeat (several `descr` lines) and keep their order.
 */

export interface RpslObject {
  /** The class: the first attribute's name (inetnum, inet6num, organisation, …), lower case. */
  readonly type: string;
  /** Line number of the object's first line in its file. */
  readonly line: number;
  /** Name (lower case) and value (trimmed, remarks removed) of each attribute, in order. */
  readonly attributes: ReadonlyArray<readonly [string, string]>;
}

export type ParsedObject = { readonly object: RpslObject } | { readonly malformed: { readonly line: number; readonly reason: string } };

const ATTRIBUTE = /^([A-Za-z][A-Za-z0-9_-]*):(.*)$/;

function withoutRemark(value: string): string {
  const hash = value.indexOf('#');
  return (hash < 0 ? value : value.slice(0, hash)).trim();
}

/** Builds objects from lines fed in order; `keep` chooses the attributes worth holding (others are checked, then dropped). */
export class RpslObjectParser {
  private attributes: Array<[string, string]> = [];
  private type: string | undefined;
  private firstLine = 0;
  private malformedReason: string | undefined;
  private malformedLine = 0;
  private inObject = false;
  private lastKept = false;
  private lineNumber = 0;

  constructor(private readonly keep: (type: string, name: string) => boolean = () => true) {}

  /** Feeds one line; returns the object it completes, if any. */
  line(text: string): ParsedObject | undefined {
    const lineNumber = ++this.lineNumber;
    if (text.trim() === '') return this.finish();
    const first = text.charCodeAt(0);
    if (first === 0x25 /* % */ || first === 0x23 /* # */) return undefined;
    if (!this.inObject) {
      this.inObject = true;
      this.firstLine = lineNumber;
    }
    if (this.malformedReason !== undefined) return undefined;
    if (first === 0x20 || first === 0x09 || first === 0x2b /* + */) {
      if (this.type === undefined) return this.malformed(lineNumber, 'a continuation line starts the object');
      if (this.lastKept) {
        const value = withoutRemark(text.slice(1));
        const last = this.attributes[this.attributes.length - 1]!;
        if (value !== '') last[1] = last[1] === '' ? value : `${last[1]} ${value}`;
      }
      return undefined;
    }
    const match = ATTRIBUTE.exec(text);
    if (!match) return this.malformed(lineNumber, 'the line is neither an attribute ("name: value") nor a continuation');
    const name = match[1]!.toLowerCase();
    if (this.type === undefined) this.type = name;
    this.lastKept = this.attributes.length === 0 || this.keep(this.type, name);
    if (this.lastKept) this.attributes.push([name, withoutRemark(match[2]!)]);
    return undefined;
  }

  /** Completes the last object at the end of the input. */
  end(): ParsedObject | undefined {
    return this.finish();
  }

  private malformed(line: number, reason: string): undefined {
    this.malformedReason = reason;
    this.malformedLine = line;
    return undefined;
  }

  private finish(): ParsedObject | undefined {
    if (!this.inObject) return undefined;
    const result: ParsedObject =
      this.malformedReason !== undefined
        ? { malformed: { line: this.malformedLine, reason: this.malformedReason } }
        : { object: { type: this.type!, line: this.firstLine, attributes: this.attributes } };
    this.attributes = [];
    this.type = undefined;
    this.inObject = false;
    this.malformedReason = undefined;
    this.lastKept = false;
    return result;
  }
}

/** The first value of an attribute, or undefined. */
export function firstValue(object: RpslObject, name: string): string | undefined {
  for (const [key, value] of object.attributes) if (key === name) return value;
  return undefined;
}

/** Every value of an attribute, in order. */
export function allValues(object: RpslObject, name: string): string[] {
  const values: string[] = [];
  for (const [key, value] of object.attributes) if (key === name) values.push(value);
  return values;
}
