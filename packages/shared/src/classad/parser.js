import { BINARY_PRECEDENCE, } from './ast.js';
import { ClassAdParseError } from './errors.js';
import { tokenize } from './lexer.js';
export { ClassAdParseError } from './errors.js';
/** Maximum nesting of parentheses, lists, ads, calls and unary operators. */
export const MAX_NESTING_DEPTH = 200;
/** Maximum height of the expression tree (long operator chains), which bounds evaluator recursion. */
export const MAX_TREE_DEPTH = 500;
const KEYWORD_OPERATORS = { is: '=?=', isnt: '=!=' };
const UNARY_OPERATORS = new Set(['-', '+', '!', '~']);
/** Parses a complete ClassAd expression; anything left over is a syntax error. */
export function parseExpr(source) {
    const parser = new Parser(tokenize(source));
    const expr = parser.parseExpression();
    parser.expectEnd();
    return expr;
}
class Parser {
    tokens;
    index = 0;
    nesting = 0;
    heights = new WeakMap();
    constructor(tokens) {
        this.tokens = tokens;
    }
    parseExpression() {
        return this.nested(() => this.parseConditional());
    }
    expectEnd() {
        const token = this.peek();
        if (token.kind !== 'eof')
            throw this.unexpected(token);
    }
    parseConditional() {
        const test = this.parseBinary(BINARY_PRECEDENCE['||']);
        if (!this.acceptOp('?'))
            return test;
        const then = this.parseExpression();
        this.expectOp(':');
        const otherwise = this.nested(() => this.parseConditional());
        return this.node({ kind: 'cond', test, then, otherwise }, test, then, otherwise);
    }
    /** Precedence climbing: loops over left-associative chains instead of recursing. */
    parseBinary(minPrecedence) {
        let left = this.parseUnary();
        for (;;) {
            const op = this.binaryOperatorAt(this.peek());
            if (op === undefined || BINARY_PRECEDENCE[op] < minPrecedence)
                return left;
            this.index++;
            const right = this.parseBinary(BINARY_PRECEDENCE[op] + 1);
            left = this.node({ kind: 'binary', op, left, right }, left, right);
        }
    }
    binaryOperatorAt(token) {
        if (token.kind === 'name')
            return KEYWORD_OPERATORS[token.text.toLowerCase()];
        if (token.kind === 'op' && token.text in BINARY_PRECEDENCE)
            return token.text;
        return undefined;
    }
    parseUnary() {
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
            return this.node({ kind: 'unary', op: token.text, operand }, operand);
        }
        return this.parsePostfix();
    }
    parsePostfix() {
        let expr = this.parsePrimary();
        for (;;) {
            if (this.acceptOp('[')) {
                const index = this.parseExpression();
                this.expectOp(']');
                expr = this.node({ kind: 'subscript', base: expr, index }, expr, index);
            }
            else if (this.acceptOp('.')) {
                const name = this.expectAttributeName();
                expr = this.node({ kind: 'select', base: expr, name }, expr);
            }
            else {
                return expr;
            }
        }
    }
    parsePrimary() {
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
    parseNameStart(token) {
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
        if (this.acceptOp('('))
            return this.parseCall(token.text);
        if ((lower === 'my' || lower === 'target') && this.peekOp('.')) {
            this.index++;
            const scope = lower === 'my' ? 'MY' : 'TARGET';
            return this.node({ kind: 'attr', name: this.expectAttributeName(), scope });
        }
        return this.node({ kind: 'attr', name: token.text });
    }
    parseCall(name) {
        return this.nested(() => {
            const args = this.parseSequence(')', ',');
            return this.node({ kind: 'call', name, args }, ...args);
        });
    }
    parseBracketed(token) {
        switch (token.text) {
            case '(': {
                const inner = this.parseExpression();
                this.expectOp(')');
                return this.node({ kind: 'paren', inner }, inner);
            }
            case '{':
                return this.nested(() => {
                    const items = this.parseSequence('}', ',');
                    return this.node({ kind: 'list', items }, ...items);
                });
            case '[':
                return this.nested(() => this.parseRecord());
            default:
                throw this.unexpected(token);
        }
    }
    /** Comma-separated expressions up to `close`; the opening bracket is already consumed. */
    parseSequence(close, separator) {
        const items = [];
        if (this.acceptOp(close))
            return items;
        for (;;) {
            items.push(this.parseExpression());
            if (this.acceptOp(close))
                return items;
            this.expectOp(separator);
        }
    }
    /** `[ name = expr; ... ]` with an optional trailing `;`. */
    parseRecord() {
        const entries = [];
        while (!this.acceptOp(']')) {
            const name = this.expectAttributeName();
            this.expectOp('=');
            entries.push({ name, expr: this.parseExpression() });
            if (!this.acceptOp(';')) {
                this.expectOp(']');
                break;
            }
        }
        return this.node({ kind: 'record', entries }, ...entries.map((entry) => entry.expr));
    }
    expectAttributeName() {
        const token = this.next();
        if (token.kind === 'name' || token.kind === 'quoted-name')
            return token.text;
        throw this.unexpected(token);
    }
    nested(parse) {
        if (this.nesting >= MAX_NESTING_DEPTH) {
            const pos = this.peek().pos;
            throw new ClassAdParseError(`syntax error at column ${pos + 1}: expression nested more than ${MAX_NESTING_DEPTH} levels deep`, pos);
        }
        this.nesting++;
        try {
            return parse();
        }
        finally {
            this.nesting--;
        }
    }
    /** Records the node's tree height and enforces MAX_TREE_DEPTH. */
    node(expr, ...children) {
        let height = 1;
        for (const child of children)
            height = Math.max(height, (this.heights.get(child) ?? 1) + 1);
        if (height > MAX_TREE_DEPTH) {
            const pos = this.tokens[Math.max(0, this.index - 1)].pos;
            throw new ClassAdParseError(`syntax error at column ${pos + 1}: expression more than ${MAX_TREE_DEPTH} operators deep`, pos);
        }
        this.heights.set(expr, height);
        return expr;
    }
    peek() {
        return this.tokens[this.index];
    }
    next() {
        const token = this.tokens[this.index];
        if (token.kind !== 'eof')
            this.index++;
        return token;
    }
    peekOp(text) {
        const token = this.peek();
        return token.kind === 'op' && token.text === text;
    }
    acceptOp(text) {
        if (!this.peekOp(text))
            return false;
        this.index++;
        return true;
    }
    expectOp(text) {
        if (!this.acceptOp(text))
            throw this.unexpected(this.peek(), text);
    }
    unexpected(token, expected) {
        const found = token.kind === 'eof' ? 'end of input' : `${describeToken(token)}`;
        const wanted = expected === undefined ? '' : ` (expected '${expected}')`;
        return new ClassAdParseError(`syntax error at column ${token.pos + 1}: unexpected ${found}${wanted}`, token.pos);
    }
}
function describeToken(token) {
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
//# sourceMappingURL=parser.js.map