const BYTES_PER_UNIT = {
    K: 1024,
    KB: 1024,
    M: 1024 ** 2,
    MB: 1024 ** 2,
    G: 1024 ** 3,
    GB: 1024 ** 3,
    T: 1024 ** 4,
    TB: 1024 ** 4,
};
const SIZE_PATTERN = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*([A-Za-z]*)\s*$/;
/**
 * Converts a submit-file size ("2 GB", "512", "1.5g") into `defaultUnit` units
 * (MB for request_memory, KB for request_disk). A bare number is already in
 * `defaultUnit`. Like HTCondor's parse_int64_bytes, fractions round up.
 * Throws RangeError when the text is not a size.
 */
export function parseSize(value, defaultUnit) {
    const match = SIZE_PATTERN.exec(value);
    if (!match)
        throw new RangeError(`invalid size "${value.trim()}"`);
    const amount = Number(match[1]);
    const unit = (match[2] || defaultUnit).toUpperCase();
    const unitBytes = BYTES_PER_UNIT[unit];
    if (unitBytes === undefined) {
        throw new RangeError(`invalid size unit "${match[2]}" in "${value.trim()}" (use K, KB, M, MB, G, GB, T or TB)`);
    }
    const result = Math.ceil((amount * unitBytes) / BYTES_PER_UNIT[defaultUnit]);
    if (!Number.isSafeInteger(result))
        throw new RangeError(`size "${value.trim()}" is too large`);
    return result;
}
//# sourceMappingURL=size.js.map