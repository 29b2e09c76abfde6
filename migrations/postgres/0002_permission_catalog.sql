-- The fixed permission catalog: what an action on a resource means. Built-in roles (owner, admin,
-- editor, viewer) are composed from these when a tenant is created (src/store/identity).
INSERT INTO permissions (action, resource, description, created_at, updated_at)
SELECT action, resource, description, now_us, now_us
FROM (SELECT (extract(epoch FROM now()) * 1000000)::bigint AS now_us) AS clock,
     (SELECT 'read' AS action, 'tenant' AS resource, 'See the tenant and its settings' AS description
      UNION ALL SELECT 'admin', 'tenant', 'Rename, suspend or delete the tenant'
      UNION ALL SELECT 'read', 'config', 'Read tenant configuration'
      UNION ALL SELECT 'write', 'config', 'Change tenant configuration'
      UNION ALL SELECT 'read', 'members', 'List members and their roles'
      UNION ALL SELECT 'write', 'members', 'Add members and change their roles'
      UNION ALL SELECT 'delete', 'members', 'Remove members'
      UNION ALL SELECT 'read', 'roles', 'List roles and their permissions'
      UNION ALL SELECT 'write', 'roles', 'Create and change custom roles'
      UNION ALL SELECT 'delete', 'roles', 'Delete custom roles'
      UNION ALL SELECT 'read', 'tokens', 'List API tokens'
      UNION ALL SELECT 'write', 'tokens', 'Create API tokens'
      UNION ALL SELECT 'delete', 'tokens', 'Revoke API tokens'
      UNION ALL SELECT 'read', 'videos', 'Read videos and their sources'
      UNION ALL SELECT 'write', 'videos', 'Create and change videos'
      UNION ALL SELECT 'delete', 'videos', 'Delete videos'
      UNION ALL SELECT 'read', 'transcripts', 'Read transcripts, segments and speakers'
      UNION ALL SELECT 'write', 'transcripts', 'Import transcripts, edit speakers'
      UNION ALL SELECT 'delete', 'transcripts', 'Delete transcripts'
      UNION ALL SELECT 'read', 'layers', 'Read AI layers'
      UNION ALL SELECT 'write', 'layers', 'Write AI layer runs and pin versions'
      UNION ALL SELECT 'delete', 'layers', 'Delete AI layers'
      UNION ALL SELECT 'read', 'jobs', 'See background jobs'
      UNION ALL SELECT 'write', 'jobs', 'Enqueue, cancel and retry jobs'
      UNION ALL SELECT 'read', 'events', 'Read the event feed'
      UNION ALL SELECT 'read', 'audit', 'Read the audit log') AS catalog;
