/**
 * The shape of EC2 resource ids, which decides between EC2's `….Malformed` and `….NotFound` answers.
 *
 * Fidelity notes: AWS's ids are the prefix, a dash, then 8 (older resources) or 17 lowercase hex digits.
 */
/**
 * Whether `id` has the shape of an id of kind `prefix` (the prefix, a dash, then 8 or 17 hex digits).
 * EC2 answers an id of the wrong shape with `….Malformed` for the kinds below, and NotFound otherwise.
 */
export function isWellFormedId(prefix: string, id: string): boolean {
  if (!id.startsWith(prefix + "-")) return false;
  const rest = id.slice(prefix.length + 1);
  return (rest.length === 8 || rest.length === 17) && /^[0-9a-f]+$/.test(rest);
}
