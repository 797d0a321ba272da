/** Which CI system's workflows `tempgrant init` writes. */
export const CI_CHOICES = ["github", "gitlab", "both", "none"] as const;
export type CiChoice = (typeof CI_CHOICES)[number];

/** One file of the scaffold: a template under templates/ and where it goes in the new repo. */
export interface TemplateFile {
  readonly template: string;
  readonly path: string;
  /** Written only with this CI system's workflows. */
  readonly ci?: "github" | "gitlab";
  /** `{{PLACEHOLDER}}`s are filled in; CI templates are copied as they are. */
  readonly render: boolean;
}

/**
 * Every file `tempgrant init` writes. The list is explicit so that renaming stays visible:
 * npm leaves `.gitignore` files out of packages, so that template is named `gitignore`.
 */
export const TEMPLATE_FILES: readonly TemplateFile[] = [
  { template: "repo/README.md", path: "README.md", render: true },
  { template: "repo/package.json", path: "package.json", render: true },
  { template: "repo/tsconfig.json", path: "tsconfig.json", render: true },
  { template: "repo/cdktf.json", path: "cdktf.json", render: true },
  { template: "repo/gitignore", path: ".gitignore", render: true },
  { template: "repo/tempgrant.yaml", path: "tempgrant.yaml", render: true },
  { template: "repo/stacks/main.ts", path: "stacks/main.ts", render: true },
  { template: "repo/stacks/targets.ts", path: "stacks/targets.ts", render: true },
  { template: "repo/stacks/state-backend.ts", path: "stacks/state-backend.ts", render: true },
  { template: "repo/grants/example.yaml", path: "grants/example.yaml", render: true },
  { template: "repo/policies/README.md", path: "policies/README.md", render: true },
  {
    template: "repo/policies/rules/org/admin-two-approvers/admin_two_approvers.rego",
    path: "policies/rules/org/admin-two-approvers/admin_two_approvers.rego",
    render: true,
  },
  {
    template: "repo/policies/rules/org/admin-two-approvers/admin_two_approvers_test.rego",
    path: "policies/rules/org/admin-two-approvers/admin_two_approvers_test.rego",
    render: true,
  },
  {
    template: "ci/github/tempgrant-check.yml",
    path: ".github/workflows/tempgrant-check.yml",
    ci: "github",
    render: false,
  },
  {
    template: "ci/github/tempgrant-sweep.yml",
    path: ".github/workflows/tempgrant-sweep.yml",
    ci: "github",
    render: false,
  },
  {
    template: "ci/github/tempgrant-apply.yml",
    path: ".github/workflows/tempgrant-apply.yml",
    ci: "github",
    render: false,
  },
  { template: "ci/gitlab/tempgrant.gitlab-ci.yml", path: ".gitlab-ci.yml", ci: "gitlab", render: false },
];

/** Whether a CI choice includes a system's workflows. */
export function wantsCi(choice: CiChoice, system: "github" | "gitlab"): boolean {
  return choice === "both" || choice === system;
}
