/**
 * "Apply fix": turns the AWS CLI command in an explanation's fix text into the EC2 API call it stands
 * for, when it is one command with plain `--option value` arguments. Anything else (placeholders such as
 * `<igw>`, several commands, shorthand structures such as `--port-range From=…`) is left to the reader:
 * the console then shows the text only, never a guess.
 *
 * The AWS CLI's own conveniences that fixes use are translated as the CLI does: `--protocol`, `--port`
 * and `--cidr` of authorize-security-group-* become IpProtocol/FromPort/ToPort/CidrIp, `--instance-ids`
 * a list, `--no-source-dest-check` SourceDestCheck.Value=false.
 */

export interface FixCall {
  action: string;
  params: Record<string, unknown>;
  /** The command as written in the fix, for the confirmation. */
  command: string;
}

const LISTS = new Set(["--instance-ids", "--group-ids", "--subnet-ids"]);

export function fixCall(fix: string): FixCall | undefined {
  const commands = fix.match(/aws ec2 [a-z-]+/g) ?? [];
  if (commands.length !== 1) return undefined;
  const start = fix.indexOf("aws ec2 ");
  // The command runs to the end, to a parenthesised remark, or to a sentence break.
  let end = fix.length;
  for (const stop of [" (", "; ", " && ", ", "]) {
    const i = fix.indexOf(stop, start);
    if (i >= 0 && i < end) end = i;
  }
  const command = fix.slice(start, end).trim();
  if (/[<>]/.test(command)) return undefined;
  const words = command.split(/\s+/).slice(2);
  const verb = words.shift()!;
  const action = verb.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
  const params: Record<string, unknown> = {};
  for (let i = 0; i < words.length; i++) {
    const flag = words[i]!;
    if (!flag.startsWith("--")) return undefined;
    if (flag === "--no-source-dest-check") {
      params.SourceDestCheck = { Value: false };
      continue;
    }
    const value = words[i + 1];
    if (value === undefined || (value.startsWith("--") && !/^-\d/.test(value))) return undefined;
    i++;
    if (/[={}[\]]/.test(value)) return undefined;
    if (action.startsWith("AuthorizeSecurityGroup") && flag === "--protocol") params.IpProtocol = value;
    else if (action.startsWith("AuthorizeSecurityGroup") && flag === "--port") {
      const [from, to] = value === "-1" ? ["-1", "-1"] : value.split("-");
      params.FromPort = Number(from);
      params.ToPort = Number(to ?? from);
    } else if (action.startsWith("AuthorizeSecurityGroup") && flag === "--cidr") params.CidrIp = value;
    else {
      const name = flag.slice(2).replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
      if (LISTS.has(flag)) params[name.replace(/Ids$/, "Id")] = [value];
      else params[name] = value;
    }
  }
  return { action, params, command };
}
