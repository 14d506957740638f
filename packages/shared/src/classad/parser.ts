import {
  BINARY_PRECEDENCE,
  type AttrScope,
  type BinaryOp,
  type Expr,
  type RecordEntry,
  type UnaryOp,
} from './ast.js';
import { ClassAdParseError } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { unparse } from './unparse.js';

export { ClassAdParseError } from './errors.js';
export type { Expr } from './ast.js';

/** Maximum nesting of parentheses, lists, ads, calls and unary operators. */
export const MAX_NESTING_DEPTH = 200;
/** Maximum height of the expression tree (long operator chains), which bounds evaluator recursion. */
export const MAX_TREE_DEPTH = 500;

const KEYWORD_OPERATORS: Readonly<Record<string, BinaryOp>> = { is: '=?=', isnt: '=!=' };
const UNARY_OPERATORS = new Set(['-', '+', '!', '~']);

/** Parses a complete ClassAd expression; anything left over is a syntax error. */
export function parseExpr(source: string): Expr {
  return parseTokens(tokenize(source));
}

/**
 * Parses an expression in old ClassAd syntax, as HTCondor's ParseClassAdRvalExpr and InsertLongFormAttrValue
 * do (ClassAdParser::SetOldClassAd): strings have no escape sequences but `\"`.
 */
export function parseOldExpr(source: string): Expr {
  return parseTokens(tokenize(source, true));
}

/**
 * Expression text a user typed, which HTCondor reads in old ClassAd syntax (a -constraint, a -af argument),
 * in the form parseExpr reads the same way. Text without a backslash reads alike in both syntaxes and is
 * returned as it is, as is text that does not parse (its reader reports the error).
 */
export function oldSyntaxToStorage(text: string): string {
  if (!text.includes('\\')) return text;
  try {
    return unparse(parseOldExpr(text));
  } catch (err) {
    if (err instanceof ClassAdParseError) return text;
    throw err;
  }
}

function parseTokens(tokens: readonly Token[]): Expr {
  const parser = new Parser(tokens);
  const expr = parser.parseExpression();
  parser.expectEnd();
  return expr;
}

class Parser {
  private index = 0;
  private nesting = 0;
  private readonly heights = new WeakMap<Expr, number>();

  constructor(private readonly tokens: readonly Token[]) {}

  parseExpression(): Expr {
    return this.nested(() => this.parseConditional());
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') throw this.unexpected(token);
  }

  private parseConditional(): Expr {
    const test = this.parseBinary(BINARY_PRECEDENCE['||']);
    if (!this.acceptOp('?')) return test;
    const then = this.parseExpression();
    this.expectOp(':');
    const otherwise = this.nested(() => this.parseConditional());
    return this.node({ kind: 'cond', test, then, otherwise }, [test, then, otherwise]);
  }

  /** Precedence climbing: loops over left-associative chains instead of recursing. */
  private parseBinary(minPrecedence: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const op = this.binaryOperatorAt(this.peek());
      if (op === undefined || BINARY_PRECEDENCE[op] < minPrecedence) return left;
      this.index++;
      const right = this.parseBinary(BINARY_PRECEDENCE[op] + 1);
      left = this.node({ kind: 'binary', op, left, right }, [left, right]);
    }
  }

  private binaryOperatorAt(token: Token): BinaryOp | undefined {
    if (token.kind === 'name') {
      const word = token.text.toLowerCase();
      return Object.hasOwn(KEYWORD_OPERATORS, word) ? KEYWORD_OPERATORS[word] : undefined;
    }
    if (token.kind === 'op' && token.text in BINARY_PRECEDENCE) return token.text as BinaryOp;
    return undefined;
  }

  private parseUnary(): Expr {
    const token = this.peek();
    if (token.kind === 'op' && UNARY_OPERATORS.has(token.text)) {
      this.index++;
      const operand = this.nested(() => this.parseUnary());
      // Fold `-5` into a literal so stored negative numbers stay literals (e.g. for -json output).
      if (token.text === '-' && operand.kind === 'literal') {
        const v = operand.value;
        if (v.type === 'int' || v.type === 'real') {
          return this.node({ kind: 'literal', value: { type: v.type, value: -v.value } });
        }
      }
      return this.node({ kind: 'unary', op: token.text as UnaryOp, operand }, [operand]);
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    for (;;) {
      if (this.acceptOp('[')) {
        const index = this.parseExpression();
        this.expectOp(']');
        expr = this.node({ kind: 'subscript', base: expr, index }, [expr, index]);
      } else if (this.acceptOp('.')) {
        const name = this.expectAttributeName();
        expr = this.node({ kind: 'select', base: expr, name }, [expr]);
      } else if (this.peekOp('?') && this.tokens[this.index + 1]?.kind === 'op' && this.tokens[this.index + 1].text === ':') {
        // HTCondor's lexer reads `?`, blanks and `:` as one ?: token; its right operand is a postfix expression.
        this.index += 2;
        const right = this.nested(() => this.parsePostfix());
        expr = this.node({ kind: 'elvis', left: expr, right }, [expr, right]);
      } else {
        return expr;
      }
    }
  }

  private parsePrimary(): Expr {
    const token = this.next();
    switch (token.kind) {
      case 'int':
        return this.node({ kind: 'literal', value: { type: 'int', value: token.number } });
      case 'real':
        return this.node({ kind: 'literal', value: { type: 'real', value: token.number } });
      case 'string':
        return this.node({ kind: 'literal', value: { type: 'string', value: token.text } });
      case 'quoted-name':
        return this.node({ kind: 'attr', name: token.text });
      case 'name':
        return this.parseNameStart(token);
      case 'op':
        return this.parseBracketed(token);
      case 'eof':
        throw this.unexpected(token);
    }
  }

  private parseNameStart(token: Token): Expr {
    const lower = token.text.toLowerCase();
    switch (lower) {
      case 'true':
      case 'false':
        return this.node({ kind: 'literal', value: { type: 'bool', value: lower === 'true' } });
      case 'undefined':
        return this.node({ kind: 'literal', value: { type: 'undefined' } });
      case 'error':
        return this.node({ kind: 'literal', value: { type: 'error' } });
      case 'is':
      case 'isnt':
        throw this.unexpected(token);
    }
    if (this.acceptOp('(')) return this.parseCall(token.text);
    if ((lower === 'my' || lower === 'target') && this.peekOp('.')) {
      this.index++;
      const scope: AttrScope = lower === 'my' ? 'MY' : 'TARGET';
      return this.node({ kind: 'attr', name: this.expectAttributeName(), scope });
    }
    return this.node({ kind: 'attr', name: token.text });
  }

  private parseCall(name: string): Expr {
    return this.nested(() => {
      const args = this.parseSequence(')', ',');
      return this.node({ kind: 'call', name, args }, args);
    });
  }

  private parseBracketed(token: Token): Expr {
    switch (token.text) {
      case '(': {
        const inner = this.parseExpression();
        this.expectOp(')');
        return this.node({ kind: 'paren', inner }, [inner]);
      }
      case '{':
        return this.nested(() => {
          const items = this.parseSequence('}', ',');
          return this.node({ kind: 'list', items }, items);
        });
      case '[':
        return this.nested(() => this.parseRecord());
      default:
        throw this.unexpected(token);
    }
  }

  /** Comma-separated expressions up to `close`; the opening bracket is already consumed. */
  private parseSequence(close: string, separator: string): Expr[] {
    const items: Expr[] = [];
    if (this.acceptOp(close)) return items;
    for (;;) {
      items.push(this.parseExpression());
      if (this.acceptOp(close)) return items;
      this.expectOp(separator);
    }
  }

  /** `[ name = expr; ... ]` with an optional trailing `;`. */
  private parseRecord(): Expr {
    const entries: RecordEntry[] = [];
    while (!this.acceptOp(']')) {
      const name = this.expectAttributeName();
      this.expectOp('=');
      entries.push({ name, expr: this.parseExpression() });
      if (!this.acceptOp(';')) {
        this.expectOp(']');
        break;
      }
    }
    return this.node({ kind: 'record', entries }, entries.map((entry) => entry.expr));
  }

  private expectAttributeName(): string {
    const token = this.next();
    if (token.kind === 'name' || token.kind === 'quoted-name') return token.text;
    throw this.unexpected(token);
  }

  private nested<T>(parse: () => T): T {
    if (this.nesting >= MAX_NESTING_DEPTH) {
      const pos = this.peek().pos;
      throw new ClassAdParseError(
        `syntax error at column ${pos + 1}: expression nested more than ${MAX_NESTING_DEPTH} levels deep`,
        pos,
      );
    }
    this.nesting++;
    try {
      return parse();
    } finally {
      this.nesting--;
    }
  }

  /**
   * Records the node's tree height and enforces MAX_TREE_DEPTH. `children` is an array, not a rest
   * parameter: a list literal can have more items than a call takes arguments.
   */
  private node(expr: Expr, children: readonly Expr[] = []): Expr {
    let height = 1;
    for (const child of children) height = Math.max(height, (this.heights.get(child) ?? 1) + 1);
    if (height > MAX_TREE_DEPTH) {
      const pos = this.tokens[Math.max(0, this.index - 1)].pos;
      throw new ClassAdParseError(
        `syntax error at column ${pos + 1}: expression more than ${MAX_TREE_DEPTH} operators deep`,
        pos,
      );
    }
    this.heights.set(expr, height);
    return expr;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private peekOp(text: string): boolean {
    const token = this.peek();
    return token.kind === 'op' && token.text === text;
  }

  private acceptOp(text: string): boolean {
    if (!this.peekOp(text)) return false;
    this.index++;
    return true;
  }

  private expectOp(text: string): void {
    if (!this.acceptOp(text)) throw this.unexpected(this.peek(), text);
  }

  private unexpected(token: Token, expected?: string): ClassAdParseError {
    const found = token.kind === 'eof' ? 'end of input' : `${describeToken(token)}`;
    const wanted = expected === undefined ? '' : ` (expected '${expected}')`;
    return new ClassAdParseError(
      `syntax error at column ${token.pos + 1}: unexpected ${found}${wanted}`,
      token.pos,
    );
  }
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case 'string':
      return `string ${JSON.stringify(token.text)}`;
    case 'quoted-name':
      return `'${token.text}'`;
    case 'int':
    case 'real':
    case 'name':
    case 'op':
      return `'${token.text}'`;
    case 'eof':
      return 'end of input';
  }
}
