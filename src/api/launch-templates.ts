/**
 * Launch template operations: CreateLaunchTemplate, DescribeLaunchTemplates, DeleteLaunchTemplate,
 * ModifyLaunchTemplate, CreateLaunchTemplateVersion, DescribeLaunchTemplateVersions,
 * DeleteLaunchTemplateVersions.
 *
 * Reference: the EC2 API reference of each action; DescribeLaunchTemplates filters `create-time`,
 * `launch-template-name` and the tag filters; DescribeLaunchTemplateVersions filters
 * `create-time`, `ebs-optimized`, `iam-instance-profile`, `image-id`, `instance-type`, `is-default-version`,
 * `kernel-id`, `ram-disk-id`. Fidelity notes: see domain/launch-templates.ts.
 */
import type {
  CreateLaunchTemplateRequest,
  CreateLaunchTemplateResult,
  CreateLaunchTemplateVersionRequest,
  CreateLaunchTemplateVersionResult,
  DeleteLaunchTemplateRequest,
  DeleteLaunchTemplateResult,
  DeleteLaunchTemplateVersionsRequest,
  DeleteLaunchTemplateVersionsResult,
  DescribeLaunchTemplatesRequest,
  DescribeLaunchTemplatesResult,
  DescribeLaunchTemplateVersionsRequest,
  DescribeLaunchTemplateVersionsResult,
  LaunchTemplate as LaunchTemplateView,
  LaunchTemplateVersion as LaunchTemplateVersionView,
  ModifyLaunchTemplateRequest,
  ModifyLaunchTemplateResult,
} from "@aws-sdk/client-ec2";
import type { LaunchTemplate, LaunchTemplateVersion } from "../domain/types.js";
import type { Handler } from "./context.js";
import { tagList } from "./context.js";
import { applyFilters, paginate } from "../domain/describe.js";
import { tagsFromSpecifications } from "../domain/tags.js";
import {
  createTemplate,
  createVersion,
  deleteTemplate,
  deleteVersions,
  getTemplate,
  selectVersions,
  setDefaultVersion,
} from "../domain/launch-templates.js";
import { invalidParameterCombination } from "../domain/errors.js";

const createdBy = (t: LaunchTemplate) => `arn:aws:iam::${t.ownerId}:root`;

export function templateView(t: LaunchTemplate): LaunchTemplateView {
  return {
    LaunchTemplateId: t.id,
    LaunchTemplateName: t.name,
    CreateTime: new Date(t.createTime),
    CreatedBy: createdBy(t),
    DefaultVersionNumber: t.defaultVersion,
    LatestVersionNumber: t.latestVersion,
    Tags: tagList(t.tags),
  };
}

function versionView(t: LaunchTemplate, v: LaunchTemplateVersion): LaunchTemplateVersionView {
  return {
    LaunchTemplateId: t.id,
    LaunchTemplateName: t.name,
    VersionNumber: v.versionNumber,
    VersionDescription: v.description,
    CreateTime: new Date(v.createTime),
    CreatedBy: createdBy(t),
    DefaultVersion: v.versionNumber === t.defaultVersion,
    LaunchTemplateData: v.data as LaunchTemplateVersionView["LaunchTemplateData"],
  };
}

const createLaunchTemplate: Handler<CreateLaunchTemplateRequest, CreateLaunchTemplateResult> = ({ world, rs }, input) => {
  const tags = tagsFromSpecifications(input.TagSpecifications, "launch-template");
  const t = createTemplate(world, rs, { name: input.LaunchTemplateName, description: input.VersionDescription, data: input.LaunchTemplateData, tags });
  return { LaunchTemplate: templateView(t) };
};

const describeLaunchTemplates: Handler<DescribeLaunchTemplatesRequest, DescribeLaunchTemplatesResult> = ({ rs }, input) => {
  let list = [...rs.launchTemplates.values()];
  const ids = input.LaunchTemplateIds ?? [];
  const names = input.LaunchTemplateNames ?? [];
  if (ids.length > 0 && names.length > 0) throw invalidParameterCombination("Only one of LaunchTemplateIds and LaunchTemplateNames may be specified.");
  if (ids.length > 0) list = [...new Set(ids)].map((id) => getTemplate(rs, { id }));
  if (names.length > 0) list = [...new Set(names)].map((name) => getTemplate(rs, { name }));
  const filtered = applyFilters(list, input.Filters, {
    "create-time": (t) => new Date(t.createTime).toISOString(),
    "launch-template-name": (t) => t.name,
  }, (t) => t.tags);
  const page = paginate(filtered, input, [1, 200], (t) => t.id);
  return { LaunchTemplates: page.items.map(templateView), NextToken: page.nextToken };
};

const deleteLaunchTemplate: Handler<DeleteLaunchTemplateRequest, DeleteLaunchTemplateResult> = ({ rs }, input) => ({
  LaunchTemplate: templateView(deleteTemplate(rs, { id: input.LaunchTemplateId, name: input.LaunchTemplateName })),
});

const modifyLaunchTemplate: Handler<ModifyLaunchTemplateRequest, ModifyLaunchTemplateResult> = ({ rs }, input) => {
  const t = getTemplate(rs, { id: input.LaunchTemplateId, name: input.LaunchTemplateName });
  setDefaultVersion(t, input.DefaultVersion);
  return { LaunchTemplate: templateView(t) };
};

const createLaunchTemplateVersion: Handler<CreateLaunchTemplateVersionRequest, CreateLaunchTemplateVersionResult> = ({ world, rs }, input) => {
  const t = getTemplate(rs, { id: input.LaunchTemplateId, name: input.LaunchTemplateName });
  const v = createVersion(world, t, { sourceVersion: input.SourceVersion, description: input.VersionDescription, data: input.LaunchTemplateData });
  return { LaunchTemplateVersion: versionView(t, v) };
};

const describeLaunchTemplateVersions: Handler<DescribeLaunchTemplateVersionsRequest, DescribeLaunchTemplateVersionsResult> = ({ rs }, input) => {
  const templates =
    input.LaunchTemplateId !== undefined || input.LaunchTemplateName !== undefined
      ? [getTemplate(rs, { id: input.LaunchTemplateId, name: input.LaunchTemplateName })]
      : [...rs.launchTemplates.values()];
  const rows = templates.flatMap((t) => selectVersions(t, input.Versions, input.MinVersion, input.MaxVersion).map((v) => ({ t, v })));
  const d = (r: { v: LaunchTemplateVersion }) => r.v.data as Record<string, any>;
  const filtered = applyFilters(rows, input.Filters, {
    "create-time": (r) => new Date(r.v.createTime).toISOString(),
    "ebs-optimized": (r) => d(r).EbsOptimized,
    "iam-instance-profile": (r) => d(r).IamInstanceProfile?.Arn ?? d(r).IamInstanceProfile?.Name,
    "image-id": (r) => d(r).ImageId,
    "instance-type": (r) => d(r).InstanceType,
    "is-default-version": (r) => r.v.versionNumber === r.t.defaultVersion,
    "kernel-id": (r) => d(r).KernelId,
    "ram-disk-id": (r) => d(r).RamDiskId,
  });
  const page = paginate(filtered, input, [1, 200]);
  return { LaunchTemplateVersions: page.items.map((r) => versionView(r.t, r.v)), NextToken: page.nextToken };
};

const deleteLaunchTemplateVersions: Handler<DeleteLaunchTemplateVersionsRequest, DeleteLaunchTemplateVersionsResult> = ({ rs }, input) => {
  const t = getTemplate(rs, { id: input.LaunchTemplateId, name: input.LaunchTemplateName });
  const r = deleteVersions(t, input.Versions);
  return {
    SuccessfullyDeletedLaunchTemplateVersions: r.ok.map((n) => ({ LaunchTemplateId: t.id, LaunchTemplateName: t.name, VersionNumber: n })),
    UnsuccessfullyDeletedLaunchTemplateVersions: r.failed.map((f) => ({
      LaunchTemplateId: t.id,
      LaunchTemplateName: t.name,
      VersionNumber: Number(f.version),
      ResponseError: { Code: f.code as never, Message: f.message },
    })),
  };
};

export const launchTemplateOperations = {
  CreateLaunchTemplate: createLaunchTemplate,
  DescribeLaunchTemplates: describeLaunchTemplates,
  DeleteLaunchTemplate: deleteLaunchTemplate,
  ModifyLaunchTemplate: modifyLaunchTemplate,
  CreateLaunchTemplateVersion: createLaunchTemplateVersion,
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  DeleteLaunchTemplateVersions: deleteLaunchTemplateVersions,
};
