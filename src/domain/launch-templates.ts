/**
 * Launch templates: Create/Describe/Delete LaunchTemplate, Create/Describe/Delete LaunchTemplateVersions,
 * ModifyLaunchTemplate (the default version), and what RunInstances takes from a template.
 *
 * References: EC2 API CreateLaunchTemplate, CreateLaunchTemplateVersion (SourceVersion: the new version
 * starts from that version's data, and the request's top-level parameters replace it),
 * DescribeLaunchTemplateVersions ($Latest, $Default, numbers, MinVersion/MaxVersion),
 * DeleteLaunchTemplateVersions (the default version cannot be deleted on its own), RunInstances
 * "LaunchTemplate" (parameters given in the request override the template's; the instance gets the
 * `aws:ec2launchtemplate:id` and `aws:ec2launchtemplate:version` tags).
 *
 * Fidelity notes:
 * - Template data is kept as the request gave it (RequestLaunchTemplateData) and answered back in the
 *   same member names; AWS validates a template's data only when it launches, and so does vpclab
 *   (RunInstances' own checks apply to the merged parameters).
 * - Merging is per top-level parameter (a request's TagSpecifications replace the template's, rather
 *   than being merged by resource type).
 * - Nothing here reaches the network engine.
 */
import type { RegionState, World } from "../state/world.js";
import type { LaunchTemplate, LaunchTemplateVersion, Tags } from "./types.js";
import {
  invalidParameterCombination,
  invalidParameterValue,
  launchTemplateMalformed,
  launchTemplateNameExists,
  launchTemplateNameMalformed,
  launchTemplateNotFoundById,
  launchTemplateNotFoundByName,
  launchTemplateVersionNotFound,
  missingParameter,
} from "./errors.js";
import { isWellFormedId } from "./ids.js";

const NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;

export interface TemplateRef {
  id?: string;
  name?: string;
}

export function getTemplate(rs: RegionState, ref: TemplateRef): LaunchTemplate {
  if (ref.id !== undefined && ref.name !== undefined) {
    throw invalidParameterCombination("Only one of LaunchTemplateId and LaunchTemplateName may be specified.");
  }
  if (ref.id !== undefined) {
    const t = rs.launchTemplates.get(ref.id);
    if (t) return t;
    if (!isWellFormedId("lt", ref.id)) throw launchTemplateMalformed(ref.id);
    throw launchTemplateNotFoundById();
  }
  if (ref.name !== undefined) {
    for (const t of rs.launchTemplates.values()) if (t.name === ref.name) return t;
    throw launchTemplateNotFoundByName();
  }
  throw missingParameter("LaunchTemplateId or LaunchTemplateName");
}

/** Plain data only: drops undefined members so the stored record stays JSON. */
function plain(data: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(data ?? {})) as Record<string, unknown>;
}

export function createTemplate(
  world: World,
  rs: RegionState,
  input: { name?: string; description?: string; data?: unknown; tags: Tags },
): LaunchTemplate {
  if (input.name === undefined) throw missingParameter("LaunchTemplateName");
  if (!NAME.test(input.name)) throw launchTemplateNameMalformed(input.name);
  if (input.data === undefined) throw missingParameter("LaunchTemplateData");
  for (const t of rs.launchTemplates.values()) if (t.name === input.name) throw launchTemplateNameExists();
  const now = world.clock.now();
  const t: LaunchTemplate = {
    id: world.ids.next("lt"),
    ownerId: rs.account,
    region: rs.region,
    tags: input.tags,
    name: input.name,
    createTime: now,
    defaultVersion: 1,
    latestVersion: 1,
    versions: [{ versionNumber: 1, description: input.description, createTime: now, data: plain(input.data) }],
  };
  rs.launchTemplates.set(t.id, t);
  return t;
}

export function deleteTemplate(rs: RegionState, ref: TemplateRef): LaunchTemplate {
  const t = getTemplate(rs, ref);
  rs.launchTemplates.delete(t.id);
  return t;
}

/** A version named as AWS allows: a number, `$Latest` or `$Default` (absent = the default). */
export function resolveVersion(t: LaunchTemplate, version: string | undefined): LaunchTemplateVersion {
  const n = version === undefined || version === "$Default" ? t.defaultVersion : version === "$Latest" ? t.latestVersion : Number(version);
  if (!Number.isInteger(n) || n < 1) throw invalidParameterValue(`Invalid launch template version: ${version}`);
  const v = t.versions.find((x) => x.versionNumber === n);
  if (!v) throw launchTemplateVersionNotFound(String(version ?? n));
  return v;
}

export function createVersion(
  world: World,
  t: LaunchTemplate,
  input: { sourceVersion?: string; description?: string; data?: unknown },
): LaunchTemplateVersion {
  if (input.data === undefined) throw missingParameter("LaunchTemplateData");
  const base = input.sourceVersion !== undefined ? resolveVersion(t, input.sourceVersion).data : {};
  const v: LaunchTemplateVersion = {
    versionNumber: t.latestVersion + 1,
    description: input.description,
    createTime: world.clock.now(),
    data: { ...plain(base), ...plain(input.data) },
  };
  t.versions.push(v);
  t.latestVersion = v.versionNumber;
  return v;
}

export function setDefaultVersion(t: LaunchTemplate, version: string | undefined): void {
  if (version === undefined) return;
  t.defaultVersion = resolveVersion(t, version).versionNumber;
}

export interface DeleteVersionsResult {
  ok: number[];
  failed: { version: string; code: string; message: string }[];
}

export function deleteVersions(t: LaunchTemplate, versions: string[] | undefined): DeleteVersionsResult {
  if (!versions || versions.length === 0) throw missingParameter("LaunchTemplateVersion");
  const out: DeleteVersionsResult = { ok: [], failed: [] };
  for (const raw of versions) {
    const n = Number(raw);
    const v = t.versions.find((x) => x.versionNumber === n);
    if (!v) {
      out.failed.push({ version: raw, code: "launchTemplateVersionDoesNotExist", message: "The specified launch template version does not exist." });
    } else if (n === t.defaultVersion) {
      out.failed.push({ version: raw, code: "launchTemplateVersionIsDefaultVersion", message: "Cannot delete the default version of a launch template." });
    } else {
      t.versions = t.versions.filter((x) => x !== v);
      out.ok.push(n);
    }
  }
  return out;
}

/** The versions DescribeLaunchTemplateVersions lists for one template. */
export function selectVersions(t: LaunchTemplate, versions: string[] | undefined, min?: string, max?: string): LaunchTemplateVersion[] {
  let list = versions && versions.length > 0 ? [...new Set(versions.map((v) => resolveVersion(t, v)))] : [...t.versions];
  if (min !== undefined) list = list.filter((v) => v.versionNumber >= Number(min));
  if (max !== undefined) list = list.filter((v) => v.versionNumber <= Number(max));
  return list.sort((a, b) => b.versionNumber - a.versionNumber);
}

/**
 * RunInstances with a LaunchTemplate: the template version's data, with every parameter the request
 * gives replacing the template's. Returns the merged request and the template's tags for the instance.
 */
export function mergeLaunchTemplate<T extends Record<string, unknown>>(
  rs: RegionState,
  request: T & { LaunchTemplate?: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string } },
): { merged: T; templateTags: [string, string][] } {
  const lt = request.LaunchTemplate!;
  const t = getTemplate(rs, { id: lt.LaunchTemplateId, name: lt.LaunchTemplateName });
  const v = resolveVersion(t, lt.Version);
  const merged: Record<string, unknown> = { ...v.data };
  for (const [k, val] of Object.entries(request)) if (val !== undefined && k !== "LaunchTemplate") merged[k] = val;
  return {
    merged: merged as T,
    templateTags: [
      ["aws:ec2launchtemplate:id", t.id],
      ["aws:ec2launchtemplate:version", String(v.versionNumber)],
    ],
  };
}
