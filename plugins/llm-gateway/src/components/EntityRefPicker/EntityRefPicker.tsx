import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Autocomplete, { createFilterOptions } from '@mui/material/Autocomplete';
import TextField from '@mui/material/TextField';
import useAsync from 'react-use/esm/useAsync';

interface EntityOption {
  ref: string;
  title: string;
}

const filterOptions = createFilterOptions<EntityOption>({
  stringify: option => `${option.title} ${option.ref}`,
});

/**
 * Picks a catalog entity of one kind by its ref; anything typed is taken as
 * a ref too, so the picker still works when the catalog does not answer.
 */
export function EntityRefPicker(props: {
  kind: 'User' | 'Component';
  label: string;
  value: string;
  onChange: (ref: string) => void;
  disabled?: boolean;
  helperText?: string;
}) {
  const { kind, label, value, onChange, disabled, helperText } = props;
  const catalogApi = useApi(catalogApiRef);
  const {
    value: options = [],
    error,
    loading,
  } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items
      .map(entity => {
        const profile = (entity.spec as any)?.profile;
        return {
          ref: stringifyEntityRef(entity),
          title:
            profile?.displayName ??
            entity.metadata.title ??
            entity.metadata.name,
        };
      })
      .sort((a, b) => a.title.localeCompare(b.title));
  }, [catalogApi, kind]);

  return (
    <Autocomplete<EntityOption, false, false, true>
      freeSolo
      disabled={disabled}
      loading={loading}
      options={options}
      filterOptions={filterOptions}
      value={options.find(option => option.ref === value) ?? value}
      inputValue={value}
      getOptionLabel={option =>
        typeof option === 'string' ? option : option.ref
      }
      renderOption={(optionProps, option) => (
        <li {...optionProps} key={option.ref}>
          {option.title} — {option.ref}
        </li>
      )}
      onChange={(_event, next) =>
        onChange(typeof next === 'string' ? next : next?.ref ?? '')
      }
      onInputChange={(_event, next, reason) => {
        if (reason !== 'reset') onChange(next);
      }}
      renderInput={params => (
        <TextField
          {...params}
          label={label}
          helperText={
            error
              ? `Could not load the catalog's ${kind.toLowerCase()}s; type a reference such as ${
                  kind === 'User'
                    ? 'user:default/alice'
                    : 'component:default/payments'
                }`
              : helperText
          }
        />
      )}
    />
  );
}
