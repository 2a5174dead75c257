// The string form of a label selector (`?labelSelector=`), with the grammar, quirks and error
// messages of apimachinery's labels.Parse, since clients show the server's message to users.
//
//   selector    ::= requirement | requirement "," selector
//   requirement ::= ["!"] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
import { aggregateText, invalidValueText } from './error-text.js';
import {
  createLabelRequirement,
  labelRequirementErrors,
  type LabelOperator,
  type LabelRequirement,
} from './label-requirement.js';
import { labelKeyErrors } from './label-syntax.js';
import { SelectorParseError } from './selector-parse-error.js';

type Token = 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '(';

interface ScannedItem {
  readonly token: Token;
  readonly literal: string;
}

const KEYWORDS = new Map<string, Token>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['in', 'in'],
  ['<', '<'],
  ['!=', '!='],
  ['notin', 'notin'],
  ['(', '('],
]);

// The upstream lexer reads bytes and reads a NUL as "end of input", with odd effects reproduced below.
const NUL = 0;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a;
}

function isSpecialSymbol(code: number): boolean {
  // = ! ( ) , > <
  return code === 0x3d || code === 0x21 || code === 0x28 || code === 0x29 || code === 0x2c || code === 0x3e || code === 0x3c;
}

function scan(text: string): ScannedItem[] {
  const items: ScannedItem[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && isWhitespace(text.charCodeAt(pos))) pos++;
    if (pos >= text.length || text.charCodeAt(pos) === NUL) {
      items.push({ token: 'end', literal: '' });
      return items;
    }
    const start = pos++;
    if (isSpecialSymbol(text.charCodeAt(start))) {
      // The longest run of symbols that is still an operator: "!=" rather than "!" then "=".
      let literal = text[start]!;
      let token = KEYWORDS.get(literal)!;
      while (pos < text.length) {
        const code = text.charCodeAt(pos);
        if (code === NUL) {
          pos++; // swallowed, as upstream does
          break;
        }
        const longer = isSpecialSymbol(code) ? KEYWORDS.get(literal + text[pos]) : undefined;
        if (longer === undefined) break;
        literal += text[pos++];
        token = longer;
      }
      items.push({ token, literal });
      continue;
    }
    let end = pos;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (code === NUL || isSpecialSymbol(code) || isWhitespace(code)) break;
      end++;
    }
    // A NUL ends the word and is swallowed, as upstream does.
    pos = end < text.length && text.charCodeAt(end) === NUL ? end + 1 : end;
    const literal = text.slice(start, end);
    items.push({ token: KEYWORDS.get(literal) ?? 'identifier', literal });
  }
}

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

/** Errors inside one requirement; the caller prefixes "unable to parse requirement: ". */
class RequirementError extends Error {}

class Parser {
  private position = 0;
  constructor(private readonly items: readonly ScannedItem[]) {}

  // Where a value is expected, "in" and "notin" are plain words ("x in (in)").
  private lookaheadValue(): ScannedItem {
    return asValue(this.items[this.position]!);
  }

  private consumeValue(): ScannedItem {
    return asValue(this.items[this.position++]!);
  }

  private consumeOperator(): ScannedItem {
    return this.items[this.position++]!;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.lookaheadValue();
      if (token === 'end') return requirements;
      if (token !== 'identifier' && token !== '!') {
        throw new SelectorParseError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        if (err instanceof RequirementError) throw new SelectorParseError(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const after = this.consumeValue();
      if (after.token === 'end') return requirements;
      if (after.token !== ',') throw new SelectorParseError(`found '${after.literal}', expected: ',' or 'end of string'`);
      const next = this.lookaheadValue();
      if (next.token !== 'identifier' && next.token !== '!') {
        throw new SelectorParseError(`found '${next.literal}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    let operator: LabelOperator | undefined;
    let item = this.consumeValue();
    if (item.token === '!') {
      operator = '!';
      item = this.consumeValue();
    }
    if (item.token !== 'identifier') throw new RequirementError(`found '${item.literal}', expected: identifier`);
    const key = item.literal;
    const keyErrors = labelKeyErrors(key);
    // Upstream validates the key with a nil field path, which prints as "<nil>".
    if (keyErrors.length > 0) throw new RequirementError(invalidValueText('<nil>', key, keyErrors.join('; ')));
    const next = this.lookaheadValue().token;
    if (next === 'end' || next === ',') operator ??= 'exists';
    // "!key" ends the requirement even when an operator follows; the caller then rejects that operator.
    if (operator !== undefined) return this.build(key, operator, []);

    operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    return this.build(key, operator, [...values].sort());
  }

  private build(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
    const errors = labelRequirementErrors(key, operator, values);
    if (errors.length > 0) throw new RequirementError(aggregateText(errors));
    return createLabelRequirement(key, operator, values);
  }

  private parseOperator(): LabelOperator {
    const { token, literal } = this.consumeOperator();
    switch (token) {
      case 'in':
        return 'in';
      case 'notin':
        return 'notin';
      case '=':
        return '=';
      case '==':
        return '==';
      case '!=':
        return '!=';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        throw new RequirementError(`found '${literal}', expected: ${BINARY_OPERATORS}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consumeValue();
    if (open.token !== '(') throw new RequirementError(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookaheadValue();
    if (token === 'identifier' || token === ',') {
      const values = this.parseIdentifiersList();
      if (this.consumeValue().token !== ')') throw new RequirementError(`found '${literal}', expected: ')'`);
      return values;
    }
    if (token === ')') {
      this.consumeValue();
      return new Set(['']);
    }
    throw new RequirementError(`found '${literal}', expected: ',', ')' or identifier`);
  }

  // A comma-separated list where empty entries stand for the empty value: "(,a)", "(a,)", "(a,,b)".
  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.consumeValue();
      if (token === 'identifier') {
        values.add(literal);
        const next = this.lookaheadValue();
        if (next.token === ',') continue;
        if (next.token === ')') return values;
        throw new RequirementError(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (token !== ',') throw new RequirementError(`found '${literal}', expected: ',', or identifier`);
      if (values.size === 0) values.add('');
      const next = this.lookaheadValue().token;
      if (next === ')') {
        values.add('');
        return values;
      }
      if (next === ',') values.add('');
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookaheadValue().token;
    if (next === 'end' || next === ',') return new Set(['']);
    const { token, literal } = this.consumeValue();
    if (token === 'identifier') return new Set([literal]);
    throw new RequirementError(`found '${literal}', expected: identifier`);
  }
}

function asValue(item: ScannedItem): ScannedItem {
  return item.token === 'in' || item.token === 'notin' ? { token: 'identifier', literal: item.literal } : item;
}

/** Parses the string form into requirements sorted by key, as labels.Parse does. */
export function parseLabelRequirements(text: string): LabelRequirement[] {
  const requirements = new Parser(scan(text)).parse();
  // Array.prototype.sort is stable, so requirements on one key keep their written order.
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

