import { valueToExpr } from './ast.js';
import { ClassAdParseError } from './errors.js';
import { evaluateAttribute, evaluateExpr } from './evaluate.js';
import { parseExpr } from './parser.js';
import { unparse } from './unparse.js';
import { jsToValue, isTrue } from './value.js';
export { toHTCondorJson } from './json.js';
export { matches } from './match.js';
/** One `Name = expr` line of old ClassAd text. */
const TEXT_LINE = /^([A-Za-z_][A-Za-z0-9_.]*)\s*=(.*)$/;
/** A set of attribute → expression bindings; attribute names are case-insensitive. */
export class ClassAd {
    #attributes = new Map();
    /** Builds an ad from its storage form (attribute → expression source). */
    static fromJSON(stored) {
        const ad = new ClassAd();
        for (const [name, source] of Object.entries(stored)) {
            ad.insert(name, parseNamed(source, `attribute ${name}`));
        }
        return ad;
    }
    /** Parses old ClassAd text: one `Name = expr` per line, blank lines and `#` comments ignored. */
    static parseText(text) {
        const ad = new ClassAd();
        const lines = text.split(/\r?\n/);
        lines.forEach((rawLine, lineIndex) => {
            const line = rawLine.trim();
            if (line === '' || line.startsWith('#'))
                return;
            const where = `line ${lineIndex + 1}`;
            const match = TEXT_LINE.exec(line);
            if (match === null) {
                throw new ClassAdParseError(`${where}: expected 'Name = expression', got ${JSON.stringify(line)}`, 0);
            }
            const [, name, source] = match;
            ad.insert(name, parseNamed(source, `${where} (attribute ${name})`));
        });
        return ad;
    }
    get size() {
        return this.#attributes.size;
    }
    has(name) {
        return this.#attributes.has(name.toLowerCase());
    }
    delete(name) {
        return this.#attributes.delete(name.toLowerCase());
    }
    /** Attribute names in insertion order, in the case they were first set. */
    names() {
        return [...this.#attributes.values()].map((attribute) => attribute.name);
    }
    get(name) {
        return this.#attributes.get(name.toLowerCase())?.expr;
    }
    getSource(name) {
        const expr = this.get(name);
        return expr === undefined ? undefined : unparse(expr);
    }
    /** Binds an already-parsed expression; keeps the name's original case if it already exists. */
    insert(name, expr) {
        const key = name.toLowerCase();
        const existing = this.#attributes.get(key);
        this.#attributes.set(key, { name: existing?.name ?? name, expr });
        return this;
    }
    /** Binds a JS value as a literal (numbers: int when integral, else real; null → undefined). */
    set(name, value) {
        return this.insert(name, valueToExpr(jsToValue(value)));
    }
    /** Binds a real literal even for integral numbers (1 → 1.0). */
    setReal(name, value) {
        return this.insert(name, { kind: 'literal', value: { type: 'real', value } });
    }
    setExpr(name, source) {
        return this.insert(name, parseNamed(source, `attribute ${name}`));
    }
    /** Copies every attribute of `other` into this ad (expressions are shared, they are immutable). */
    update(other) {
        for (const attribute of other.#attributes.values())
            this.insert(attribute.name, attribute.expr);
        return this;
    }
    clone() {
        return new ClassAd().update(this);
    }
    /** Evaluates an attribute with MY = this ad and TARGET = `target`. */
    evaluate(name, target) {
        return evaluateAttribute(this, name, target);
    }
    evaluateExpr(expr, target) {
        const tree = typeof expr === 'string' ? parseExpr(expr) : expr;
        return evaluateExpr(tree, this, target);
    }
    /** Evaluated int (reals truncated); undefined for anything else. */
    getInt(name) {
        const v = this.evaluate(name);
        if (v.type === 'int')
            return v.value;
        if (v.type === 'real' && Number.isFinite(v.value))
            return Math.trunc(v.value);
        return undefined;
    }
    getNumber(name) {
        const v = this.evaluate(name);
        return v.type === 'int' || v.type === 'real' ? v.value : undefined;
    }
    getString(name) {
        const v = this.evaluate(name);
        return v.type === 'string' ? v.value : undefined;
    }
    /** Evaluated bool; numbers count as true when non-zero (HTCondor EvalBool). */
    getBool(name) {
        const v = this.evaluate(name);
        if (v.type === 'bool' || v.type === 'int' || v.type === 'real')
            return isTrue(v);
        return undefined;
    }
    /** Storage form: attribute → expression source. */
    toJSON() {
        const out = {};
        for (const { name, expr } of this.#attributes.values())
            out[name] = unparse(expr);
        return out;
    }
    /** `Name = expr` lines in insertion order, as in `condor_q -long` and `_CONDOR_JOB_AD`. */
    toText() {
        let text = '';
        for (const { name, expr } of this.#attributes.values())
            text += `${name} = ${unparse(expr)}\n`;
        return text;
    }
}
/** Parses `source`, prefixing any error message with `where`. */
function parseNamed(source, where) {
    try {
        return parseExpr(source);
    }
    catch (err) {
        if (err instanceof ClassAdParseError)
            throw new ClassAdParseError(`${where}: ${err.message}`, err.position);
        throw err;
    }
}
//# sourceMappingURL=classad.js.map